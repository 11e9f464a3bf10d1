#include "node/platform/aws/aws_source.h"

namespace bronze::platform {

namespace {
constexpr const char* kBase = "http://169.254.169.254/latest";
}  // namespace

PlatformConfig AwsSource::fetch(MetadataEnvironment& env) {
  // Six hours: longer than any fetch; the token dies with the session.
  std::string token = require_ok(env.http("PUT", std::string(kBase) + "/api/token",
                                          {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}}),
                                 "the IMDSv2 session token");
  std::map<std::string, std::string> auth = {{"X-aws-ec2-metadata-token", token}};
  PlatformConfig c;
  c.source = "IMDSv2 user-data";
  c.user_data = require_ok(env.http("GET", std::string(kBase) + "/user-data", auth), "the instance's user data");
  HttpAnswer hostname = env.http("GET", std::string(kBase) + "/meta-data/local-hostname", auth);
  if (hostname.status == 200) c.hostname = hostname.body;
  return c;
}

}  // namespace bronze::platform
