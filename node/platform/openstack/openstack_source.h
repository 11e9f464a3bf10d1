// OpenStack: a config drive labelled config-2 first (it needs no network),
// then the metadata service. Both hold openstack/latest/user_data,
// meta_data.json (the hostname) and network_data.json (the DNS servers).
#pragma once

#include "node/platform/config_source.h"

namespace bronze::platform {

class OpenStackSource : public ConfigSource {
 public:
  std::string name() const override { return "openstack"; }
  PlatformConfig fetch(MetadataEnvironment& env) override;
};

// The parts of meta_data.json and network_data.json we use; throws
// bronze::Error naming the document when it is not the JSON it should be.
void read_openstack_meta_data(const std::string& json, PlatformConfig& into);
void read_openstack_network_data(const std::string& json, PlatformConfig& into);

}  // namespace bronze::platform
