// Hetzner Cloud: the server metadata service (hetzner/v1): userdata and
// the hostname; at every boot, the metadata's network-config (cloud-init's
// version 1: cloud_init_network.h), which alone carries the server's public
// IPv6 address and its fe80::1 gateway.
#pragma once

#include "node/platform/config_source.h"

namespace bronze::platform {

class HcloudSource : public ConfigSource {
 public:
  std::string name() const override { return "hcloud"; }
  PlatformConfig fetch(MetadataEnvironment& env) override;
  std::optional<PlatformConfig> network(MetadataEnvironment& env) override;
};

}  // namespace bronze::platform
