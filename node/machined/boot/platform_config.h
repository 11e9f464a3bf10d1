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

}  // namespace bronze::machined
