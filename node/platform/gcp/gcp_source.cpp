#include "node/platform/gcp/gcp_source.h"

namespace bronze::platform {

namespace {
// metadata.google.internal is this address; the node has no DNS before it
// has a config.
constexpr const char* kBase = "http://169.254.169.254/computeMetadata/v1/instance";
}  // namespace

PlatformConfig GcpSource::fetch(MetadataEnvironment& env) {
  std::map<std::string, std::string> flavor = {{"Metadata-Flavor", "Google"}};
  PlatformConfig c;
  c.source = "the metadata server's instance attribute user-data";
  c.user_data = require_ok(env.http("GET", std::string(kBase) + "/attributes/user-data", flavor),
                           "the instance attribute user-data");
  HttpAnswer hostname = env.http("GET", std::string(kBase) + "/hostname", flavor);
  if (hostname.status == 200) c.hostname = hostname.body;
  return c;
}

}  // namespace bronze::platform
