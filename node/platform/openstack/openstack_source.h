// OpenStack: a config drive labelled config-2 first (it needs no network),
// then the metadata service. Both hold openstack/latest/user_data,
// meta_data.json (the hostname) and network_data.json (addresses, routes,
// bonds, VLANs and DNS servers: network_data.h), which is read at every
// boot.
#pragma once

#include "node/platform/config_source.h"

namespace bronze::platform {

class OpenStackSource : public ConfigSource {
 public:
  std::string name() const override { return "openstack"; }
  PlatformConfig fetch(MetadataEnvironment& env) override;
  std::optional<PlatformConfig> network(MetadataEnvironment& env) override;
};

// The part of meta_data.json we use (the hostname); throws bronze::Error
// naming the document when it is not the JSON it should be.
void read_openstack_meta_data(const std::string& json, PlatformConfig& into);

}  // namespace bronze::platform
