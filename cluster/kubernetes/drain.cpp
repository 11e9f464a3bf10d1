// The drain: list the node's pods, evict those that should go (retrying the
// ones a PodDisruptionBudget holds back), then wait until they are gone.
// Evictions go round all pending pods each pass, so that one pod a budget
// holds back does not keep the others from leaving.
#include <algorithm>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "cluster/kubernetes/api_error.h"
#include "cluster/kubernetes/api_transport.h"
#include "cluster/kubernetes/drain_plan.h"
#include "cluster/kubernetes/kube_client.h"

namespace bronze::kube {

namespace {

using Clock = std::chrono::steady_clock;

enum class EvictionResult { evicted, already_gone, refused };

std::string names(const std::vector<PodRef>& pods) {
  std::string text;
  for (const auto& pod : pods) text += (text.empty() ? "" : ", ") + pod.id();
  return text;
}

class Drain {
 public:
  Drain(ApiTransport& transport, const std::string& node, const DrainOptions& options)
      : transport_(transport), node_(node), options_(options), deadline_(Clock::now() + options.deadline) {}

  void run() {
    if (node_.empty()) throw Error("cannot drain: no node name given");
    log("draining node " + node_);
    DrainPlan plan = list_pods();
    for (const auto& skipped : plan.skipped) log("leaving " + skipped);
    std::vector<PodRef> evicted = evict_all(plan.evict);
    wait_until_gone(evicted);
    log("drained node " + node_);
  }

 private:
  void log(const std::string& line) const {
    if (options_.log) options_.log(line);
  }

  std::string deadline_text() const {
    auto ms = options_.deadline.count();
    return ms % 1000 == 0 ? std::to_string(ms / 1000) + " seconds" : std::to_string(ms) + " ms";
  }

  bool expired() const { return Clock::now() >= deadline_; }

  // Waits one retry interval, or what is left of the deadline if less.
  void pause() const {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
    std::this_thread::sleep_for(std::clamp(left, std::chrono::milliseconds(0), options_.retry_interval));
  }

  DrainPlan list_pods() {
    ApiResponse response = transport_.send("GET", "/api/v1/pods?fieldSelector=" + url_encode("spec.nodeName=" + node_));
    if (response.status != 200) throw_api_error(transport_.server(), "list the pods on node " + node_, response);
    nlohmann::json list = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    if (list.is_discarded()) {
      throw Error("Kubernetes API server " + transport_.server() + " answered the pod list of node " + node_ +
                  " with something that is not JSON");
    }
    return plan_drain(list);
  }

  // Returns the pods that were evicted and have yet to go.
  std::vector<PodRef> evict_all(std::vector<PodRef> pending) {
    std::vector<PodRef> evicted;
    std::map<std::string, std::string> refusals;  // pod id -> the API's last reason
    while (true) {
      std::vector<PodRef> refused;
      for (auto& pod : pending) {
        std::string reason;
        switch (evict(pod, reason)) {
          case EvictionResult::evicted: evicted.push_back(std::move(pod)); break;
          case EvictionResult::already_gone: log(pod.id() + " is already gone"); break;
          case EvictionResult::refused:
            // One line when a pod is first held back, not one per retry.
            if (refusals[pod.id()] != reason) log(pod.id() + ": 429, " + reason + "; retrying");
            refusals[pod.id()] = reason;
            refused.push_back(std::move(pod));
            break;
        }
      }
      pending = std::move(refused);
      if (pending.empty()) return evicted;
      if (expired()) {
        const PodRef& first = pending.front();
        throw Error("cannot drain node " + node_ + ": pod " + first.id() + " could not be evicted within " +
                    deadline_text() + ": " + refusals[first.id()] +
                    (pending.size() > 1 ? " (nor could " + names({pending.begin() + 1, pending.end()}) + ")" : ""));
      }
      pause();
    }
  }

  EvictionResult evict(const PodRef& pod, std::string& reason) {
    log("evicting " + pod.id());
    nlohmann::json eviction = {
        {"apiVersion", "policy/v1"},
        {"kind", "Eviction"},
        {"metadata", {{"name", pod.name}, {"namespace", pod.ns}}},
    };
    ApiResponse response = transport_.send("POST", pod_path(pod) + "/eviction", "application/json", eviction.dump());
    if (response.status == 200 || response.status == 201) return EvictionResult::evicted;
    if (response.status == 404) return EvictionResult::already_gone;
    // 429: a PodDisruptionBudget does not allow it yet (or the API server is
    // shedding load); either way, asking again later is right.
    if (response.status == 429) {
      reason = api_message(response);
      return EvictionResult::refused;
    }
    throw_api_error(transport_.server(), "evict pod " + pod.id() + " from node " + node_, response);
  }

  void wait_until_gone(std::vector<PodRef> waiting) {
    if (!waiting.empty()) log("waiting for " + names(waiting) + " to go");
    while (true) {
      std::erase_if(waiting, [this](const PodRef& pod) { return is_gone(pod); });
      if (waiting.empty()) return;
      if (expired()) {
        throw Error("cannot drain node " + node_ + ": pod " + waiting.front().id() +
                    " was evicted but had not gone within " + deadline_text() +
                    (waiting.size() > 1 ? " (nor had " + names({waiting.begin() + 1, waiting.end()}) + ")" : "") +
                    "; is its termination grace period longer than the deadline?");
      }
      pause();
    }
  }

  // Gone, or replaced by a new pod of the same name (a StatefulSet's).
  bool is_gone(const PodRef& pod) {
    ApiResponse response = transport_.send("GET", pod_path(pod));
    if (response.status == 404) return true;
    if (response.status != 200) throw_api_error(transport_.server(), "show pod " + pod.id(), response);
    nlohmann::json current = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    const nlohmann::json::json_pointer uid_field("/metadata/uid");
    if (!current.is_object() || !current.contains(uid_field) || !current.at(uid_field).is_string()) {
      throw Error("Kubernetes API server " + transport_.server() + " answered for pod " + pod.id() +
                  " with something that is not a Pod");
    }
    return current.at(uid_field).get<std::string>() != pod.uid;
  }

  static std::string pod_path(const PodRef& pod) {
    return "/api/v1/namespaces/" + url_encode(pod.ns) + "/pods/" + url_encode(pod.name);
  }

  ApiTransport& transport_;
  const std::string& node_;
  const DrainOptions& options_;
  Clock::time_point deadline_;
};

}  // namespace

void Client::drain(const std::string& node, const DrainOptions& options) { Drain(*transport_, node, options).run(); }

}  // namespace bronze::kube
