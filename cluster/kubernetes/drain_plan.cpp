#include "cluster/kubernetes/drain_plan.h"

#include "base/error.h"

namespace bronze::kube {

namespace {

std::string string_at(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const nlohmann::json& object_at(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  if (!object.is_object()) return kEmpty;
  auto it = object.find(key);
  return it != object.end() && it->is_object() ? *it : kEmpty;
}

// The kubelet makes a read-only mirror of each static pod it runs from a
// file; deleting the mirror does not stop the pod, so eviction is pointless.
bool is_mirror(const nlohmann::json& metadata) {
  return object_at(metadata, "annotations").contains("kubernetes.io/config.mirror");
}

// The DaemonSet controller ignores cordons and would recreate the pod at once.
bool is_daemonset_pod(const nlohmann::json& metadata) {
  auto owners = metadata.find("ownerReferences");
  if (owners == metadata.end() || !owners->is_array()) return false;
  for (const auto& owner : *owners) {
    if (string_at(owner, "kind") == "DaemonSet") return true;
  }
  return false;
}

// Why the pod stays, or empty when it is evicted.
std::string reason_to_skip(const nlohmann::json& pod) {
  const nlohmann::json& metadata = object_at(pod, "metadata");
  if (is_mirror(metadata)) return "mirror pod";
  if (is_daemonset_pod(metadata)) return "DaemonSet";
  std::string phase = string_at(object_at(pod, "status"), "phase");
  if (phase == "Succeeded" || phase == "Failed") return phase;
  return {};
}

}  // namespace

DrainPlan plan_drain(const nlohmann::json& pod_list) {
  if (!pod_list.is_object() || !pod_list.contains("items") ||
      !(pod_list["items"].is_array() || pod_list["items"].is_null())) {
    throw Error("the Kubernetes API answered the pod list with something that is not a PodList");
  }
  DrainPlan plan;
  if (pod_list["items"].is_null()) return plan;  // how the API writes an empty list
  for (const auto& pod : pod_list["items"]) {
    const nlohmann::json& metadata = object_at(pod, "metadata");
    PodRef ref{string_at(metadata, "namespace"), string_at(metadata, "name"), string_at(metadata, "uid")};
    if (ref.ns.empty() || ref.name.empty()) {
      throw Error("the Kubernetes API listed a pod without a namespace or name");
    }
    std::string reason = reason_to_skip(pod);
    if (reason.empty()) {
      plan.evict.push_back(std::move(ref));
    } else {
      plan.skipped.push_back(ref.id() + " (" + reason + ")");
    }
  }
  return plan;
}

}  // namespace bronze::kube
