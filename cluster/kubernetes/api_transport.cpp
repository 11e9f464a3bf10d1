#include "cluster/kubernetes/api_transport.h"

#include <vector>

#include "base/error.h"

namespace bronze::kube {

namespace {

// A node's pod list is the largest answer we read: at the default limit of
// 110 pods it is a few MiB at most.
constexpr size_t kMaxResponseBytes = 64 * 1024 * 1024;

}  // namespace

ApiTransport::ApiTransport(ApiOptions options) : options_(std::move(options)) {
  // "https://host:6443/" and "https://host:6443" mean the same server.
  while (!options_.api_server.empty() && options_.api_server.back() == '/') options_.api_server.pop_back();
  if (options_.api_server.empty()) throw Error("no Kubernetes API server address given");
  http::HttpOptions http_options;
  http_options.ca_file = options_.ca_file;
  http_options.client_cert_file = options_.client_cert_file;
  http_options.client_key_file = options_.client_key_file;
  http_options.timeout_seconds = options_.timeout_seconds;
  http_options.total_timeout = true;
  http_options.peer = "Kubernetes API server";
  // The API server does not redirect; a redirect would carry the token away.
  http_options.follow_redirects = false;
  http_options.user_agent = "bronze-node";
  http_ = std::make_unique<http::HttpClient>(http_options);
}

ApiTransport::~ApiTransport() = default;

ApiResponse ApiTransport::send(const std::string& method, const std::string& path, const std::string& content_type,
                               const std::string& body) {
  std::vector<std::string> headers = {"Accept: application/json"};
  if (!options_.bearer_token.empty()) headers.push_back("Authorization: Bearer " + options_.bearer_token);
  if (!content_type.empty()) headers.push_back("Content-Type: " + content_type);
  // An empty "Expect:" stops curl waiting for a "100 Continue" on larger bodies.
  headers.push_back("Expect:");
  std::string received;
  auto response = http_->request(method, options_.api_server + path, headers, body,
                                 http::collect_body(received, kMaxResponseBytes,
                                                    "the answer of Kubernetes API server " + options_.api_server +
                                                        " to " + method + " " + path));
  bool ok = response.status >= 200 && response.status < 300;
  return ApiResponse{response.status, ok ? std::move(received) : std::move(response.error_body)};
}

std::string url_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

}  // namespace bronze::kube
