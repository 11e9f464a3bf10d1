// Where a node without a machine config in STATE gets one: its platform's
// own source, as Talos's platform packages do. Each platform's source is a
// small folder of its own (aws/, gcp/, openstack/, ...) behind this one
// interface; machined picks it from `bronze.platform=` on the kernel
// command line and calls fetch_platform_config (fetch.h).
//
// A source reads through a MetadataEnvironment, never the network or the
// disks directly, so that every source runs in the tests against loopback
// stand-ins of each platform's documented API.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "machine_config/network_config.h"
#include "node/platform/metadata_network.h"

namespace bronze::platform {

struct HttpAnswer {
  long status = 0;
  std::string body;
};

class MetadataEnvironment {
 public:
  virtual ~MetadataEnvironment() = default;
  // One HTTP request to a platform's documented URL, bounded in time and
  // size. Throws NotAvailable when the server cannot be reached or does not
  // answer in time; any status is returned. (The tests' environment sends
  // the documented URLs to loopback stand-ins.)
  virtual HttpAnswer http(const std::string& method, const std::string& url,
                          const std::map<std::string, std::string>& headers = {}, const std::string& body = {}) = 0;
  // A file from a volume with one of `labels` (a config drive, a NoCloud
  // cidata volume), read only; nullopt when no such volume or file exists.
  virtual std::optional<std::string> read_volume_file(const std::vector<std::string>& labels,
                                                      const std::string& path) = 0;
  // A file at the root of whichever CD or DVD (iso9660 or udf) holds it,
  // whatever its label (Azure's provisioning media, an OVF environment
  // ISO); nullopt when none does.
  virtual std::optional<std::string> read_media_file(const std::string& path) = 0;
  // The name of this machine's NIC with the MAC address `mac` (any case),
  // "" when it has none: platforms name NICs by MAC, the kernel by name.
  virtual std::string interface_with_mac(const std::string& mac) = 0;
  virtual void say(const std::string& line) = 0;
};

// What a platform says about the node. Empty fields: the platform does not
// say.
struct PlatformConfig {
  std::optional<std::string> user_data;  // the machine config, as the user gave it
  std::string hostname;
  std::vector<std::string> dns_servers;
  // Addresses, routes, bonds and VLANs, where the platform gives them
  // rather than DHCP (OpenStack's network_data.json).
  std::vector<config::InterfaceConfig> interfaces;
  std::string source;  // where the user data came from, for the log
};

// Thrown by a source when its data is not there (yet): no user data, a 404,
// a timeout. fetch_platform_config retries these with backoff.
class NotAvailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ConfigSource {
 public:
  virtual ~ConfigSource() = default;
  virtual std::string name() const = 0;
  // Throws NotAvailable when the data is not (yet) there, bronze::Error when
  // the platform answers something that cannot be right.
  virtual PlatformConfig fetch(MetadataEnvironment& env) = 0;
  // What the platform says of the node's network, read at every boot (the
  // machine config in STATE has none of it): nullopt when this platform's
  // network is DHCP's alone. One try, no retries: the boot goes on with the
  // kernel's DHCP when the platform does not answer. Throws as fetch does.
  virtual std::optional<PlatformConfig> network(MetadataEnvironment&) { return std::nullopt; }
};

// The source for `platform` (its name in platforms/*.yaml); `config_url` is
// bronze.config= from the kernel command line, which wins over the
// platform's own source, as talos.config= does.
std::unique_ptr<ConfigSource> source_for(const std::string& platform, const std::string& config_url);

// The status of an HTTP answer as a source sees it: 200 is the data; 404
// means not there (yet); anything else is named.
std::string require_ok(const HttpAnswer& answer, const std::string& what);

// A network read from metadata into `into` (its interfaces and DNS
// servers), each thing left out said in the log under `document`
// ("openstack: network_data.json").
void adopt_network(MetadataNetwork network, const std::string& document, MetadataEnvironment& env, PlatformConfig& into);

}  // namespace bronze::platform
