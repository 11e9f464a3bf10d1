// A node booted from its disk with no machine config in STATE asks its
// platform for one (node/platform/): bronze.config= first, else the
// platform's own source. A config that arrives is checked whole and put
// into STATE before it is used, so a bad one is refused with its field and
// STATE stays as it was; the node then waits in maintenance mode, as it
// does when no source answers (docs/DESIGN.md decision 18).
#pragma once

#include <optional>
#include <string>

#include "node/machined/node_context.h"
#include "node/platform/config_source.h"
#include "node/platform/fetch.h"

namespace bronze::machined {

// The config text now in STATE, or nullopt with the reason logged. Sets
// the hostname the platform names when the config names none.
std::optional<std::string> config_from_platform(NodeContext& node, platform::MetadataEnvironment& env,
                                                const platform::RetryPolicy& policy, const std::string& config_url);

// At every boot: what the platform's metadata says of the network (its
// interfaces, for set_up_network), its DNS servers into
// node.platform_nameservers, and its hostname when neither the node nor
// `config` has one. Nothing when the platform's network is DHCP's alone or
// its metadata cannot be read (said in the log; the kernel's DHCP stays).
std::vector<config::InterfaceConfig> network_from_platform(NodeContext& node, platform::MetadataEnvironment& env,
                                                           const config::MachineConfig* config);

}  // namespace bronze::machined
