#include "cluster/kubernetes/api_error.h"

#include <nlohmann/json.hpp>

#include "base/error.h"

namespace bronze::kube {

namespace {

// Enough of a body that is not a Status object to recognise what answered
// (a proxy's HTML page, say) without flooding the message.
constexpr size_t kMaxQuotedBody = 200;

std::string status_name(long status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "HTTP " + std::to_string(status);
  }
}

}  // namespace

std::string api_message(const ApiResponse& response) {
  nlohmann::json status = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (status.is_object() && status.value("kind", "") == "Status") {
    auto message = status.find("message");
    if (message != status.end() && message->is_string() && !message->get<std::string>().empty()) {
      return message->get<std::string>();
    }
  }
  if (!response.body.empty() && status.is_discarded()) return response.body.substr(0, kMaxQuotedBody);
  return status_name(response.status);
}

void throw_api_error(const std::string& server, const std::string& action, const ApiResponse& response) {
  std::string code = std::to_string(response.status);
  std::string name = status_name(response.status);
  std::string message = api_message(response);
  std::string text = "Kubernetes API server " + server + " refused to " + action + ": " + code;
  if (name.rfind("HTTP ", 0) != 0) text += " " + name;
  if (message != name) text += ": " + message;
  throw Error(text);
}

}  // namespace bronze::kube
