// The interfaces a node configures: the machine config's, and the
// platform's (OpenStack's network_data.json) for every NIC the config does
// not speak of. The config wins, as in Talos: an operator's static address
// for eth0 replaces what the platform says of eth0, and a NIC the config
// puts into a bond is not also configured as the platform says.
#pragma once

#include <string>
#include <vector>

#include "machine_config/network_config.h"

namespace bronze::network {

struct MergedInterfaces {
  std::vector<config::InterfaceConfig> interfaces;
  std::vector<std::string> overridden;  // the platform's interfaces the config replaced, by name
};

MergedInterfaces merge_interfaces(const std::vector<config::InterfaceConfig>& from_config,
                                  const std::vector<config::InterfaceConfig>& from_platform);

}  // namespace bronze::network
