// Equinix Metal: the metadata service at metadata.platformequinix.com:
// /userdata, and /metadata (JSON) for the hostname and resolvers and, at
// every boot, the bonded network (equinix_network.h).
#pragma once

#include "node/platform/config_source.h"

namespace bronze::platform {

class EquinixSource : public ConfigSource {
 public:
  std::string name() const override { return "equinix"; }
  PlatformConfig fetch(MetadataEnvironment& env) override;
  std::optional<PlatformConfig> network(MetadataEnvironment& env) override;
};

// The hostname and resolvers of /metadata; throws bronze::Error when it is
// not a JSON object.
void read_equinix_metadata(const std::string& json, PlatformConfig& into);

}  // namespace bronze::platform
