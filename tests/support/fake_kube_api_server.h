// A fake Kubernetes API server for tests. It follows the documented Node, Pod
// and Eviction endpoints of the core/v1 and policy/v1 APIs, because Debian
// ships no Kubernetes API server to test against: nodes and pods live in
// memory, a strategic-merge patch to a node is applied, an eviction answers
// 201 and deletes the pod (at once or after a delay), a pod protected by a
// "budget" is answered 429 a set number of times before it may go, unknown
// objects are 404, and errors come as Status objects like the real server's.
// Every request is recorded (by the loopback server it runs on).
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/loopback_http_server.h"

namespace bronze::kube::test {

// A pod in phase Running on `node`, owned by nothing.
nlohmann::json running_pod(const std::string& ns, const std::string& name, const std::string& node);

class FakeApiServer {
 public:
  // For protect_with_budget: the budget never allows the eviction.
  static constexpr int kAlwaysRefuse = -1;

  FakeApiServer();

  std::string url() const { return "http://127.0.0.1:" + std::to_string(http_.port()); }

  void add_node(const std::string& name);
  // Gets a uid if it has none.
  void add_pod(nlohmann::json pod);
  // Evictions of pod "ns/name" are answered 429 `refusals` times, then allowed.
  void protect_with_budget(const std::string& pod_id, int refusals);
  // Evicted pods stay (with a deletionTimestamp) this long before they go,
  // as a pod in its termination grace period does.
  void set_deletion_delay(std::chrono::milliseconds delay);
  // When evicted, the pod comes back at once under the same name with a new
  // uid and no node, as a StatefulSet's pod does.
  void recreate_when_evicted(const std::string& pod_id);
  // Answers every request 403 with this message, as RBAC does for an account
  // without the permission.
  void forbid_everything(const std::string& message);
  // Answers 401 to requests without "Authorization: Bearer <token>".
  void require_token(const std::string& token);

  std::optional<nlohmann::json> node(const std::string& name);
  bool has_pod(const std::string& pod_id);
  std::vector<std::string> evicted();  // "ns/name", in the order they were evicted
  std::vector<bronze::test::HttpRequest> requests();

 private:
  using Clock = std::chrono::steady_clock;
  struct StoredPod {
    nlohmann::json object;
    std::optional<Clock::time_point> gone_at;  // set by an eviction
  };

  bronze::test::HttpReply handle(const bronze::test::HttpRequest& request);
  bronze::test::HttpReply route(const bronze::test::HttpRequest& request);
  bronze::test::HttpReply patch_node(const std::string& name, const bronze::test::HttpRequest& request);
  bronze::test::HttpReply list_pods(const std::string& query);
  bronze::test::HttpReply evict(const std::string& pod_id, const bronze::test::HttpRequest& request);
  void remove_departed_pods();
  std::string next_uid();

  std::mutex mutex_;
  std::map<std::string, nlohmann::json> nodes_;
  std::map<std::string, StoredPod> pods_;  // by "ns/name"
  std::map<std::string, int> budget_refusals_;
  std::vector<std::string> recreated_;
  std::chrono::milliseconds deletion_delay_{0};
  std::optional<std::string> forbidden_message_;
  std::optional<std::string> required_token_;
  std::vector<std::string> evicted_;
  int uid_counter_ = 0;
  // Last, so that its thread stops before the state it reads goes away.
  bronze::test::LoopbackHttpServer http_;
};

}  // namespace bronze::kube::test
