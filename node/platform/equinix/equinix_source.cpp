#include "node/platform/equinix/equinix_source.h"

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "node/platform/equinix/equinix_network.h"

namespace bronze::platform {

namespace {
constexpr const char* kBase = "https://metadata.platformequinix.com";
}  // namespace

void read_equinix_metadata(const std::string& json, PlatformConfig& into) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) throw Error("Equinix Metal's /metadata is not a JSON object");
  if (auto it = doc.find("hostname"); it != doc.end() && it->is_string()) into.hostname = it->get<std::string>();
  auto network = doc.find("network");
  if (network == doc.end() || !network->is_object()) return;
  auto resolvers = network->find("resolvers");
  if (resolvers == network->end() || !resolvers->is_array()) return;
  for (const auto& r : *resolvers) {
    if (r.is_string()) into.dns_servers.push_back(r.get<std::string>());
  }
}

std::optional<PlatformConfig> EquinixSource::network(MetadataEnvironment& env) {
  HttpAnswer metadata = env.http("GET", std::string(kBase) + "/metadata");
  if (metadata.status == 404) return std::nullopt;
  PlatformConfig c;
  c.source = "metadata.platformequinix.com/metadata";
  const std::string& body = require_ok(metadata, "the server's metadata");
  adopt_network(read_equinix_network(body, [&env](const std::string& mac) { return env.interface_with_mac(mac); }),
                "equinix: /metadata", env, c);
  read_equinix_metadata(body, c);  // the hostname and the resolvers, which the network part leaves out
  return c;
}

PlatformConfig EquinixSource::fetch(MetadataEnvironment& env) {
  PlatformConfig c;
  c.source = "metadata.platformequinix.com/userdata";
  c.user_data = require_ok(env.http("GET", std::string(kBase) + "/userdata"), "the server's user data");
  HttpAnswer metadata = env.http("GET", std::string(kBase) + "/metadata");
  if (metadata.status == 200) read_equinix_metadata(metadata.body, c);
  return c;
}

}  // namespace bronze::platform
