// Cordon, drain and uncordon a node through the Kubernetes API. Before an
// upgrade writes anything the node daemon drains its own node, so that the
// reboot does not take pods down without their disruption budgets having a
// say; after the commit it uncordons the node.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace bronze::kube {

struct ApiOptions {
  std::string api_server;        // "https://10.0.0.1:6443" or "http://127.0.0.1:PORT"
  std::string bearer_token;      // empty: no Authorization header
  std::string ca_file;           // CA bundle for https; empty: the system's
  std::string client_cert_file;  // client certificate (PEM) for https; optional
  std::string client_key_file;   // its key (PEM); optional
  long timeout_seconds = 10;     // per request, connecting included
};

struct DrainOptions {
  // Total time for the evictions and for the evicted pods to go.
  std::chrono::milliseconds deadline{std::chrono::minutes(5)};
  // Pause between attempts: after a 429 (a PodDisruptionBudget says not yet)
  // and between checks whether the evicted pods are gone.
  std::chrono::milliseconds retry_interval{1000};
  // One line per step, e.g. "evicting default/web-1"; may be empty.
  std::function<void(const std::string&)> log;
};

class ApiTransport;

class Client {
 public:
  explicit Client(ApiOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Marks the node unschedulable, or schedulable again. Throws bronze::Error
  // when the API server cannot be reached or refuses (the API's message is
  // in the error).
  void cordon(const std::string& node);
  void uncordon(const std::string& node);

  // Evicts the node's pods through the Eviction API, which respects
  // PodDisruptionBudgets, and waits until they are gone. Left alone: mirror
  // pods (the kubelet runs them from files; the API cannot remove them),
  // DaemonSet pods (their controller would put them straight back) and pods
  // that have already finished. A 429 is retried every retry_interval. Throws
  // bronze::Error naming the pod and the reason when the deadline passes or
  // the API answers with another error. Cordon first, or the scheduler may
  // place new pods on the node while it drains.
  void drain(const std::string& node, const DrainOptions& options);

 private:
  ApiOptions options_;
  std::unique_ptr<ApiTransport> transport_;
};

}  // namespace bronze::kube
