// DigitalOcean: the droplet metadata service (metadata/v1): user-data,
// hostname, and the resolvers; at every boot, metadata/v1.json's static
// addresses and gateways (digitalocean_network.h).
#pragma once

#include "node/platform/config_source.h"

namespace bronze::platform {

class DigitalOceanSource : public ConfigSource {
 public:
  std::string name() const override { return "digitalocean"; }
  PlatformConfig fetch(MetadataEnvironment& env) override;
  std::optional<PlatformConfig> network(MetadataEnvironment& env) override;
};

}  // namespace bronze::platform
