// One request to the Kubernetes API server through the project's HTTP client
// (http/): a method, a path, an optional body; the whole response comes
// back, whatever its status. The API answers small JSON documents, so
// nothing is streamed.
#pragma once

#include <memory>
#include <string>

#include "cluster/kubernetes/kube_client.h"
#include "http/http_client.h"

namespace bronze::kube {

struct ApiResponse {
  long status = 0;
  std::string body;
};

class ApiTransport {
 public:
  explicit ApiTransport(ApiOptions options);
  ~ApiTransport();
  ApiTransport(const ApiTransport&) = delete;
  ApiTransport& operator=(const ApiTransport&) = delete;

  // `path` starts with "/" and is appended to the server's address. Throws
  // bronze::Error, naming the API server, when it cannot be reached or the
  // transfer fails; any HTTP status is returned.
  ApiResponse send(const std::string& method, const std::string& path, const std::string& content_type = {},
                   const std::string& body = {});

  const std::string& server() const { return options_.api_server; }

 private:
  ApiOptions options_;
  std::unique_ptr<http::HttpClient> http_;
};

// Percent-encodes everything but RFC 3986's unreserved characters, for a
// query parameter's value or a path segment.
std::string url_encode(const std::string& text);

}  // namespace bronze::kube
