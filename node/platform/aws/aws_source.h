// AWS EC2: the instance metadata service, IMDSv2 only. A session token from
// PUT /latest/api/token, then every GET carries it; IMDSv1 (a GET without a
// token) is never used, so an instance with IMDSv1 disabled works too.
#pragma once

#include "node/platform/config_source.h"

namespace bronze::platform {

class AwsSource : public ConfigSource {
 public:
  std::string name() const override { return "aws"; }
  PlatformConfig fetch(MetadataEnvironment& env) override;
};

}  // namespace bronze::platform
