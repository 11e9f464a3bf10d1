#include "node/platform/openstack/openstack_source.h"

#include <nlohmann/json.hpp>

#include "base/error.h"

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

void read_openstack_network_data(const std::string& json, PlatformConfig& into) {
  auto doc = parse(json, "network_data.json");
  auto services = doc.find("services");
  if (services == doc.end() || !services->is_array()) return;
  for (const auto& service : *services) {
    if (!service.is_object() || service.value("type", "") != "dns") continue;
    if (auto address = service.find("address"); address != service.end() && address->is_string()) {
      into.dns_servers.push_back(address->get<std::string>());
    }
  }
}

PlatformConfig OpenStackSource::fetch(MetadataEnvironment& env) {
  PlatformConfig c;
  if (auto user_data = env.read_volume_file(kDriveLabels, "openstack/latest/user_data")) {
    env.say("platform: openstack: reading the config drive (config-2)");
    c.source = "the config drive's openstack/latest/user_data";
    c.user_data = *user_data;
    if (auto meta = env.read_volume_file(kDriveLabels, "openstack/latest/meta_data.json")) read_openstack_meta_data(*meta, c);
    if (auto net = env.read_volume_file(kDriveLabels, "openstack/latest/network_data.json")) {
      read_openstack_network_data(*net, c);
    }
    return c;
  }
  env.say("platform: openstack: no config drive with user data; asking the metadata service");
  c.source = "the metadata service's openstack/latest/user_data";
  c.user_data = require_ok(env.http("GET", std::string(kBase) + "/user_data"), "the instance's user data");
  HttpAnswer meta = env.http("GET", std::string(kBase) + "/meta_data.json");
  if (meta.status == 200) read_openstack_meta_data(meta.body, c);
  HttpAnswer net = env.http("GET", std::string(kBase) + "/network_data.json");
  if (net.status == 200) read_openstack_network_data(net.body, c);
  return c;
}

}  // namespace bronze::platform
