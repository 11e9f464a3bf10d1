// Client's construction and the cordon: one patch of the Node's
// spec.unschedulable, as `kubectl cordon` sends it.
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "cluster/kubernetes/api_error.h"
#include "cluster/kubernetes/api_transport.h"
#include "cluster/kubernetes/kube_client.h"

namespace bronze::kube {

namespace {

void set_unschedulable(ApiTransport& transport, const std::string& node, bool unschedulable) {
  std::string action = std::string(unschedulable ? "cordon" : "uncordon") + " node " + node;
  if (node.empty()) throw Error("cannot " + action + ": no node name given");
  nlohmann::json patch = {{"spec", {{"unschedulable", unschedulable}}}};
  ApiResponse response = transport.send("PATCH", "/api/v1/nodes/" + url_encode(node),
                                        "application/strategic-merge-patch+json", patch.dump());
  if (response.status == 404) {
    throw Error("cannot " + action + ": the Kubernetes API server " + transport.server() +
                " has no node of that name (" + api_message(response) + ")");
  }
  if (response.status < 200 || response.status >= 300) throw_api_error(transport.server(), action, response);
}

}  // namespace

Client::Client(ApiOptions options)
    : options_(std::move(options)), transport_(std::make_unique<ApiTransport>(options_)) {}

Client::~Client() = default;

void Client::cordon(const std::string& node) { set_unschedulable(*transport_, node, true); }

void Client::uncordon(const std::string& node) { set_unschedulable(*transport_, node, false); }

}  // namespace bronze::kube
