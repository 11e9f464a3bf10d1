// Hetzner Cloud: the server metadata service (hetzner/v1): userdata and
// the hostname.
#pragma once

#include "node/platform/config_source.h"

namespace bronze::platform {

class HcloudSource : public ConfigSource {
 public:
  std::string name() const override { return "hcloud"; }
  PlatformConfig fetch(MetadataEnvironment& env) override;
};

}  // namespace bronze::platform
