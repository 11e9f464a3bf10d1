// NoCloud, as cloud-init defines it (metal and qemu): a volume labelled
// cidata (or CIDATA), ISO 9660 or FAT, holding user-data and meta-data,
// whose local-hostname names the node, and, read at every boot, a
// network-config (cloud-init's version 1: cloud_init_network.h).
#pragma once

#include "node/platform/config_source.h"

namespace bronze::platform {

class NoCloudSource : public ConfigSource {
 public:
  std::string name() const override { return "nocloud"; }
  PlatformConfig fetch(MetadataEnvironment& env) override;
  std::optional<PlatformConfig> network(MetadataEnvironment& env) override;
};

// local-hostname from NoCloud's meta-data (YAML); throws bronze::Error when
// it is not YAML.
std::string nocloud_hostname(const std::string& meta_data);

}  // namespace bronze::platform
