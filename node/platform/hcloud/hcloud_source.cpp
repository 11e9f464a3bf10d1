#include "node/platform/hcloud/hcloud_source.h"

#include <yaml-cpp/yaml.h>

#include "base/error.h"
#include "node/platform/cloud_init_network.h"

namespace bronze::platform {

namespace {
constexpr const char* kBase = "http://169.254.169.254/hetzner/v1";
}  // namespace

std::optional<PlatformConfig> HcloudSource::network(MetadataEnvironment& env) {
  HttpAnswer answer = env.http("GET", std::string(kBase) + "/metadata");
  if (answer.status == 404) return std::nullopt;
  const std::string& text = require_ok(answer, "the server's metadata");
  PlatformConfig c;
  c.source = "the server's hetzner/v1/metadata";
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(std::string("Hetzner's metadata is not YAML: ") + e.what());
  }
  if (!doc.IsMap()) throw Error("Hetzner's metadata is not a YAML map");
  if (doc["hostname"] && doc["hostname"].IsScalar()) c.hostname = doc["hostname"].Scalar();
  YAML::Node network = doc["network-config"];
  if (!network || network.IsNull()) return c;
  adopt_network(read_cloud_init_network(network, "Hetzner's network-config",
                                        [&env](const std::string& mac) { return env.interface_with_mac(mac); }),
                "hcloud: network-config", env, c);
  return c;
}

PlatformConfig HcloudSource::fetch(MetadataEnvironment& env) {
  PlatformConfig c;
  c.source = "the server's hetzner/v1/userdata";
  c.user_data = require_ok(env.http("GET", std::string(kBase) + "/userdata"), "the server's user data");
  HttpAnswer hostname = env.http("GET", std::string(kBase) + "/metadata/hostname");
  if (hostname.status == 200) c.hostname = hostname.body;
  return c;
}

}  // namespace bronze::platform
