// Follows the documented Node, Pod and Eviction endpoints of the Kubernetes
// API (core/v1 nodes and pods, policy/v1 evictions), because Debian ships no
// Kubernetes API server to test against.
#include "tests/support/fake_kube_api_server.h"

#include <algorithm>

namespace bronze::kube::test {

namespace {

using bronze::test::HttpReply;
using bronze::test::HttpRequest;
using nlohmann::json;

// The real server answers JSON, errors included.
HttpReply json_reply(int status, std::string body) {
  return HttpReply{status, {{"Content-Type", "application/json"}}, std::move(body), std::nullopt};
}

// The shape of the real server's error answers.
HttpReply status_reply(int code, const std::string& reason, const std::string& message) {
  json status = {{"kind", "Status"},     {"apiVersion", "v1"}, {"metadata", json::object()},
                 {"status", "Failure"},  {"message", message}, {"reason", reason},
                 {"code", code}};
  return json_reply(code, status.dump());
}

HttpReply not_found(const std::string& resource, const std::string& name) {
  return status_reply(404, "NotFound", resource + " \"" + name + "\" not found");
}

std::string percent_decode(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

std::map<std::string, std::string> parse_query(const std::string& query) {
  std::map<std::string, std::string> parameters;
  if (query.empty()) return parameters;
  for (const auto& pair : split(query, '&')) {
    size_t equals = pair.find('=');
    parameters[percent_decode(pair.substr(0, equals))] =
        equals == std::string::npos ? "" : percent_decode(pair.substr(equals + 1));
  }
  return parameters;
}

std::string pod_id(const json& pod) {
  return pod["metadata"].value("namespace", "") + "/" + pod["metadata"].value("name", "");
}

// Any valid RFC 3339 time does: the client only needs to see one is set.
constexpr const char* kDeletionTimestamp = "2024-01-01T00:00:00Z";

}  // namespace

json running_pod(const std::string& ns, const std::string& name, const std::string& node) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec", {{"nodeName", node}, {"containers", json::array({{{"name", "main"}, {"image", "busybox"}}})}}},
          {"status", {{"phase", "Running"}}}};
}

FakeApiServer::FakeApiServer() : http_([this](const HttpRequest& request) { return handle(request); }) {}

void FakeApiServer::add_node(const std::string& name) {
  std::lock_guard lock(mutex_);
  nodes_[name] = {{"apiVersion", "v1"},
                  {"kind", "Node"},
                  {"metadata", {{"name", name}, {"uid", next_uid()}}},
                  {"spec", json::object()}};
}

void FakeApiServer::add_pod(json pod) {
  std::lock_guard lock(mutex_);
  if (!pod["metadata"].contains("uid")) pod["metadata"]["uid"] = next_uid();
  std::string id = pod_id(pod);
  pods_[id] = StoredPod{std::move(pod), std::nullopt};
}

void FakeApiServer::protect_with_budget(const std::string& pod_id, int refusals) {
  std::lock_guard lock(mutex_);
  budget_refusals_[pod_id] = refusals;
}

void FakeApiServer::set_deletion_delay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  deletion_delay_ = delay;
}

void FakeApiServer::recreate_when_evicted(const std::string& pod_id) {
  std::lock_guard lock(mutex_);
  recreated_.push_back(pod_id);
}

void FakeApiServer::forbid_everything(const std::string& message) {
  std::lock_guard lock(mutex_);
  forbidden_message_ = message;
}

void FakeApiServer::require_token(const std::string& token) {
  std::lock_guard lock(mutex_);
  required_token_ = token;
}

std::optional<json> FakeApiServer::node(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto it = nodes_.find(name);
  if (it == nodes_.end()) return std::nullopt;
  return it->second;
}

bool FakeApiServer::has_pod(const std::string& pod_id) {
  std::lock_guard lock(mutex_);
  remove_departed_pods();
  return pods_.contains(pod_id);
}

std::vector<std::string> FakeApiServer::evicted() {
  std::lock_guard lock(mutex_);
  return evicted_;
}

std::vector<HttpRequest> FakeApiServer::requests() { return http_.requests(); }

std::string FakeApiServer::next_uid() { return "uid-" + std::to_string(++uid_counter_); }

// Pods whose grace period is over leave; a StatefulSet-like pod comes back.
void FakeApiServer::remove_departed_pods() {
  auto now = Clock::now();
  std::vector<std::string> departed;
  for (const auto& [id, pod] : pods_) {
    if (pod.gone_at && *pod.gone_at <= now) departed.push_back(id);
  }
  for (const auto& id : departed) {
    json pod = std::move(pods_[id].object);
    pods_.erase(id);
    if (std::find(recreated_.begin(), recreated_.end(), id) == recreated_.end()) continue;
    pod["metadata"]["uid"] = next_uid();
    pod["metadata"].erase("deletionTimestamp");
    pod["spec"].erase("nodeName");
    pod["status"] = {{"phase", "Pending"}};
    pods_[id] = StoredPod{std::move(pod), std::nullopt};
  }
}

HttpReply FakeApiServer::handle(const HttpRequest& request) {
  std::lock_guard lock(mutex_);
  remove_departed_pods();
  if (required_token_ && request.header("authorization") != "Bearer " + *required_token_) {
    return status_reply(401, "Unauthorized", "Unauthorized");
  }
  if (forbidden_message_) return status_reply(403, "Forbidden", *forbidden_message_);
  return route(request);
}

HttpReply FakeApiServer::route(const HttpRequest& request) {
  size_t question = request.target.find('?');
  std::string path = request.target.substr(0, question);
  std::string query = question == std::string::npos ? "" : request.target.substr(question + 1);
  std::vector<std::string> segments = split(path, '/');  // "", "api", "v1", ...
  for (auto& segment : segments) segment = percent_decode(segment);
  const std::string& method = request.method;

  // /api/v1/nodes/{name}
  if (segments.size() == 5 && segments[1] == "api" && segments[2] == "v1" && segments[3] == "nodes") {
    if (method == "PATCH") return patch_node(segments[4], request);
    if (method == "GET") {
      auto it = nodes_.find(segments[4]);
      return it == nodes_.end() ? not_found("nodes", segments[4]) : json_reply(200, it->second.dump());
    }
  }
  // /api/v1/pods
  if (path == "/api/v1/pods" && method == "GET") return list_pods(query);
  // /api/v1/namespaces/{ns}/pods/{name}[/eviction]
  if ((segments.size() == 7 || segments.size() == 8) && segments[1] == "api" && segments[2] == "v1" &&
      segments[3] == "namespaces" && segments[5] == "pods") {
    std::string id = segments[4] + "/" + segments[6];
    if (segments.size() == 8 && segments[7] == "eviction" && method == "POST") return evict(id, request);
    if (segments.size() == 7 && method == "GET") {
      auto it = pods_.find(id);
      return it == pods_.end() ? not_found("pods", segments[6]) : json_reply(200, it->second.object.dump());
    }
  }
  return status_reply(404, "NotFound", "the server could not find the requested resource");
}

HttpReply FakeApiServer::patch_node(const std::string& name, const HttpRequest& request) {
  std::string type = request.header("content-type");
  if (type != "application/strategic-merge-patch+json" && type != "application/merge-patch+json") {
    return status_reply(415, "UnsupportedMediaType", "the body of the request was in an unknown format");
  }
  auto it = nodes_.find(name);
  if (it == nodes_.end()) return not_found("nodes", name);
  json patch = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!patch.is_object()) return status_reply(400, "BadRequest", "the patch is not a JSON object");
  // For a node's scalar fields a strategic-merge patch works as a JSON merge
  // patch (RFC 7386): set what it names, delete what it sets to null.
  it->second.merge_patch(patch);
  return json_reply(200, it->second.dump());
}

HttpReply FakeApiServer::list_pods(const std::string& query) {
  std::map<std::string, std::string> parameters = parse_query(query);
  std::optional<std::string> node;
  if (auto selector = parameters.find("fieldSelector"); selector != parameters.end()) {
    const std::string prefix = "spec.nodeName=";
    if (selector->second.rfind(prefix, 0) != 0) {
      return status_reply(400, "BadRequest", "this fake server only selects pods by spec.nodeName");
    }
    node = selector->second.substr(prefix.size());
  }
  json items = json::array();
  for (const auto& [id, pod] : pods_) {
    if (!node || pod.object["spec"].value("nodeName", "") == *node) items.push_back(pod.object);
  }
  json list = {{"kind", "PodList"}, {"apiVersion", "v1"}, {"metadata", {{"resourceVersion", "1"}}},
               {"items", items}};
  return json_reply(200, list.dump());
}

HttpReply FakeApiServer::evict(const std::string& id, const HttpRequest& request) {
  json eviction = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  std::string name = id.substr(id.find('/') + 1);
  std::string ns = id.substr(0, id.find('/'));
  if (!eviction.is_object() || eviction.value("apiVersion", "") != "policy/v1" ||
      eviction.value("kind", "") != "Eviction" || !eviction.contains("metadata") ||
      eviction["metadata"].value("name", "") != name || eviction["metadata"].value("namespace", "") != ns) {
    return status_reply(400, "BadRequest", "the body is not a policy/v1 Eviction of pod " + id);
  }
  auto it = pods_.find(id);
  if (it == pods_.end()) return not_found("pods", name);
  // A pod already terminating is not held back by its budget.
  if (!it->second.gone_at) {
    auto budget = budget_refusals_.find(id);
    if (budget != budget_refusals_.end() && budget->second != 0) {
      if (budget->second > 0) --budget->second;
      return status_reply(429, "TooManyRequests",
                          "Cannot evict pod as it would violate the pod's disruption budget.");
    }
    it->second.object["metadata"]["deletionTimestamp"] = kDeletionTimestamp;
    it->second.gone_at = Clock::now() + deletion_delay_;
    evicted_.push_back(id);
  }
  json success = {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()},
                  {"status", "Success"}, {"code", 201}};
  return json_reply(201, success.dump());
}

}  // namespace bronze::kube::test
