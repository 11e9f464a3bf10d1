#include "node/platform/digitalocean/digitalocean_source.h"

#include <sstream>

namespace bronze::platform {

namespace {
constexpr const char* kBase = "http://169.254.169.254/metadata/v1";
}  // namespace

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
