#include "node/platform/hcloud/hcloud_source.h"

namespace bronze::platform {

namespace {
constexpr const char* kBase = "http://169.254.169.254/hetzner/v1";
}  // namespace

PlatformConfig HcloudSource::fetch(MetadataEnvironment& env) {
  PlatformConfig c;
  c.source = "the server's hetzner/v1/userdata";
  c.user_data = require_ok(env.http("GET", std::string(kBase) + "/userdata"), "the server's user data");
  HttpAnswer hostname = env.http("GET", std::string(kBase) + "/metadata/hostname");
  if (hostname.status == 200) c.hostname = hostname.body;
  return c;
}

}  // namespace bronze::platform
