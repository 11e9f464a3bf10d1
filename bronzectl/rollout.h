// The order a rolling upgrade takes: control plane nodes one at a time (etcd
// loses no quorum and the upgrade lease is never contended for long), then
// workers in batches of at most --max-unavailable.
#pragma once

#include <string>
#include <vector>

namespace bronze::ctl {

struct RolloutNode {
  std::string node;
  std::string machine_type;  // controlplane or worker
};

// Batches in order; every node of a batch upgrades at once, and a batch
// starts when the one before has finished. The order of the nodes as given
// is kept within each kind.
std::vector<std::vector<std::string>> plan_rollout(const std::vector<RolloutNode>& nodes, int max_unavailable);

}  // namespace bronze::ctl
