#include "node/platform/openstack/openstack_source.h"

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "node/platform/openstack/network_data.h"

namespace bronze::platform {

namespace {

constexpr const char* kBase = "http://169.254.169.254/openstack/latest";
const std::vector<std::string> kDriveLabels = {"config-2", "CONFIG-2"};

nlohmann::json parse(const std::string& json, const std::string& what) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) throw Error("OpenStack's " + what + " is not a JSON object");
  return doc;
}

}  // namespace

void read_openstack_meta_data(const std::string& json, PlatformConfig& into) {
  auto doc = parse(json, "meta_data.json");
  if (auto it = doc.find("hostname"); it != doc.end() && it->is_string()) into.hostname = it->get<std::string>();
}

namespace {

void add_network_data(const std::string& json, MetadataEnvironment& env, PlatformConfig& into) {
  adopt_network(read_network_data(json, [&env](const std::string& mac) { return env.interface_with_mac(mac); }),
                "openstack: network_data.json", env, into);
}

}  // namespace

PlatformConfig OpenStackSource::fetch(MetadataEnvironment& env) {
  PlatformConfig c;
  if (auto user_data = env.read_volume_file(kDriveLabels, "openstack/latest/user_data")) {
    env.say("platform: openstack: reading the config drive (config-2)");
    c.source = "the config drive's openstack/latest/user_data";
    c.user_data = *user_data;
    if (auto meta = env.read_volume_file(kDriveLabels, "openstack/latest/meta_data.json")) read_openstack_meta_data(*meta, c);
    return c;
  }
  env.say("platform: openstack: no config drive with user data; asking the metadata service");
  c.source = "the metadata service's openstack/latest/user_data";
  c.user_data = require_ok(env.http("GET", std::string(kBase) + "/user_data"), "the instance's user data");
  HttpAnswer meta = env.http("GET", std::string(kBase) + "/meta_data.json");
  if (meta.status == 200) read_openstack_meta_data(meta.body, c);
  return c;
}

std::optional<PlatformConfig> OpenStackSource::network(MetadataEnvironment& env) {
  PlatformConfig c;
  if (auto net = env.read_volume_file(kDriveLabels, "openstack/latest/network_data.json")) {
    c.source = "the config drive's network_data.json";
    if (auto meta = env.read_volume_file(kDriveLabels, "openstack/latest/meta_data.json")) read_openstack_meta_data(*meta, c);
    add_network_data(*net, env, c);
    return c;
  }
  HttpAnswer net = env.http("GET", std::string(kBase) + "/network_data.json");
  if (net.status == 404) return std::nullopt;
  c.source = "the metadata service's network_data.json";
  add_network_data(require_ok(net, "network_data.json"), env, c);
  HttpAnswer meta = env.http("GET", std::string(kBase) + "/meta_data.json");
  if (meta.status == 200) read_openstack_meta_data(meta.body, c);
  return c;
}

}  // namespace bronze::platform
