#include "bronzectl/rollout.h"

#include "base/error.h"

namespace bronze::ctl {

std::vector<std::vector<std::string>> plan_rollout(const std::vector<RolloutNode>& nodes, int max_unavailable) {
  if (max_unavailable < 1) throw Error("--max-unavailable must be at least 1");
  std::vector<std::vector<std::string>> batches;
  for (const auto& n : nodes) {
    if (n.machine_type == "controlplane") batches.push_back({n.node});
  }
  std::vector<std::string> batch;
  for (const auto& n : nodes) {
    if (n.machine_type == "controlplane") continue;
    batch.push_back(n.node);
    if (static_cast<int>(batch.size()) == max_unavailable) {
      batches.push_back(batch);
      batch.clear();
    }
  }
  if (!batch.empty()) batches.push_back(batch);
  return batches;
}

}  // namespace bronze::ctl
