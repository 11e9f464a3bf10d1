// `bronzectl gen config`: a new cluster's CA and join token, the machine
// configs for its control plane nodes (CA certificate and key, token) and
// worker nodes (CA certificate, token: no key), and an admin client config,
// written together or not at all.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "client_config/client_config.h"
#include "machine_config/machine_config.h"
#include "pki/pki.h"

namespace bronze::config {

inline constexpr std::chrono::seconds kCaValidity = std::chrono::hours(24 * 365 * 10);
inline constexpr std::chrono::seconds kClientValidity = std::chrono::hours(24 * 365);
inline constexpr int kApiPort = 6443;

struct GenConfigOptions {
  std::string cluster_name;
  // Host name or IP address the API is reached at: the client config's
  // endpoint and a name in every node's serving certificate.
  std::string endpoint;
  std::string install_disk = "/dev/vda";
  std::string install_image;  // empty: the image the node booted from
  std::filesystem::path output_dir;
  bool force = false;  // replace existing files
  std::chrono::seconds ca_validity = kCaValidity;
  std::chrono::seconds client_validity = kClientValidity;
};

struct GeneratedConfigs {
  MachineConfig controlplane;
  MachineConfig worker;
  ClientConfig client;
  std::vector<std::filesystem::path> files;  // as written: controlplane.yaml, worker.yaml, bronzeconfig
};

// Writes controlplane.yaml, worker.yaml and bronzeconfig (mode 0600) into
// options.output_dir, creating it if needed. Without options.force an
// existing file is an error and nothing is written.
GeneratedConfigs generate_configs(const GenConfigOptions& options);

// A client config whose one context (named `context_name`, or `name` when
// that is empty) holds a fresh certificate with CN=<name>, O=<role>, signed
// by `ca` and valid from now for `validity`.
ClientConfig issue_client_config(const CertificateAuthority& ca, std::string_view role, const std::string& name,
                                 const std::vector<std::string>& endpoints, std::chrono::seconds validity,
                                 const std::string& context_name = "");

// The CA a control plane's machine config carries, ready to sign with;
// throws Error for a config without the CA key (a worker's).
CertificateAuthority certificate_authority_of(const MachineConfig& config);

}  // namespace bronze::config
