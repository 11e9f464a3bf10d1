// Google Compute Engine: the metadata server, asked with the
// `Metadata-Flavor: Google` header it requires; the machine config is the
// instance attribute `user-data`, as Talos reads it.
#pragma once

#include "node/platform/config_source.h"

namespace bronze::platform {

class GcpSource : public ConfigSource {
 public:
  std::string name() const override { return "gcp"; }
  PlatformConfig fetch(MetadataEnvironment& env) override;
};

}  // namespace bronze::platform
