#include "node/platform/digitalocean/digitalocean_source.h"

#include <nlohmann/json.hpp>
#include <sstream>

#include "node/platform/digitalocean/digitalocean_network.h"

namespace bronze::platform {

namespace {
constexpr const char* kBase = "http://169.254.169.254/metadata/v1";
}  // namespace

std::optional<PlatformConfig> DigitalOceanSource::network(MetadataEnvironment& env) {
  HttpAnswer metadata = env.http("GET", std::string(kBase) + ".json");
  if (metadata.status == 404) return std::nullopt;
  PlatformConfig c;
  c.source = "the droplet's metadata/v1.json";
  const std::string& body = require_ok(metadata, "the droplet's metadata");
  adopt_network(read_digitalocean_network(body, [&env](const std::string& mac) { return env.interface_with_mac(mac); }),
                "digitalocean: metadata/v1.json", env, c);
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (auto hostname = doc.find("hostname"); hostname != doc.end() && hostname->is_string()) c.hostname = hostname->get<std::string>();
  return c;
}

PlatformConfig DigitalOceanSource::fetch(MetadataEnvironment& env) {
  PlatformConfig c;
  c.source = "the droplet's metadata/v1/user-data";
  c.user_data = require_ok(env.http("GET", std::string(kBase) + "/user-data"), "the droplet's user data");
  HttpAnswer hostname = env.http("GET", std::string(kBase) + "/hostname");
  if (hostname.status == 200) c.hostname = hostname.body;
  HttpAnswer resolvers = env.http("GET", std::string(kBase) + "/dns/nameservers");
  if (resolvers.status == 200) {
    std::istringstream lines(resolvers.body);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) c.dns_servers.push_back(line);
    }
  }
  return c;
}

}  // namespace bronze::platform
