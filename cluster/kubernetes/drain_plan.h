// Which of a node's pods a drain evicts. Like `kubectl drain`, it leaves
// alone what eviction cannot or need not remove: mirror pods, DaemonSet pods
// and pods that have finished.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bronze::kube {

struct PodRef {
  std::string ns;
  std::string name;
  std::string uid;  // tells the evicted pod from a replacement of the same name
  std::string id() const { return ns + "/" + name; }
};

struct DrainPlan {
  std::vector<PodRef> evict;
  std::vector<std::string> skipped;  // "kube-system/kube-proxy-x (DaemonSet)", for the log
};

// From a PodList (GET /api/v1/pods). Throws bronze::Error when it is not one.
DrainPlan plan_drain(const nlohmann::json& pod_list);

}  // namespace bronze::kube
