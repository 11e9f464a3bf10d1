// The node's network and clock at boot, before it makes any certificate:
// the config's interfaces and the platform's for NICs the config leaves
// alone (node/network/link_config.h, interface_merge.h), /run/resolv.conf
// from the config, the platform or DHCP, and NTP with the first sync
// waited for when someone named the servers (docs/DESIGN.md decision 19).
#pragma once

#include <functional>

#include "machine_config/machine_config.h"
#include "node/machined/node_context.h"

namespace bronze::machined {

// `config`: the machine config the node runs with, or null in maintenance
// mode (then the platform's interfaces, resolv.conf and a background sync
// from DHCP's or the default servers). `platform_interfaces`: what the
// platform's metadata says of the network (machined/boot/platform_config.h).
// `tick` feeds the watchdog while the boot waits.
void set_up_network(NodeContext& node, const config::MachineConfig* config,
                    const std::vector<config::InterfaceConfig>& platform_interfaces, const std::function<void()>& tick);

}  // namespace bronze::machined
