// Errors the Kubernetes API answers with. The API explains a refusal in a
// Status object ({"kind":"Status","message":"nodes \"n1\" is forbidden: ..."});
// its message is what the user needs to see.
#pragma once

#include <string>

#include "cluster/kubernetes/api_transport.h"

namespace bronze::kube {

// The Status object's message, else the start of the body, else the status
// code's name: "pods \"web-1\" not found", "Forbidden".
std::string api_message(const ApiResponse& response);

// "Kubernetes API server https://10.0.0.1:6443 refused to cordon node n1:
// 403 Forbidden: nodes \"n1\" is forbidden: ..."
[[noreturn]] void throw_api_error(const std::string& server, const std::string& action, const ApiResponse& response);

}  // namespace bronze::kube
