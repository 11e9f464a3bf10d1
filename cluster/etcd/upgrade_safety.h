// Asks the etcd cluster whether this control plane node may go down for
// an upgrade: lists the members, asks each for its Status at its own
// client URL, and judges (see upgrade_safety_verdict.h).
#pragma once

#include <string>

#include "cluster/etcd/client.h"
#include "cluster/etcd/upgrade_safety_verdict.h"

namespace bronze::etcd {

// Never throws for an unreachable cluster: that is a verdict too, not safe,
// with the client's error as the problem.
SafetyVerdict check_upgrade_safety(Client& client, const std::string& this_member_name);

}  // namespace bronze::etcd
