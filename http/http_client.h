// HTTP(S) with libcurl's easy interface, for every client in the project (the
// registry client, the platforms' metadata services): only http and https,
// also on redirects; bounded connect time and stall time; a 2xx body
// streamed to the caller, any other body kept (small) for the error message.
// Errors name the peer the way the caller calls it ("registry host:5000",
// "metadata service 169.254.169.254").
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace bronze::http {

// A failure that may pass if the request is made again: the connection
// broke off or stalled, the server could not be reached, or it answered
// 5xx or 429. A caller that retries does so a bounded number of times.
class TransientError : public Error {
 public:
  using Error::Error;
};

struct HttpOptions {
  std::string ca_file;        // extra CA bundle; empty: the system's
  std::string ca_pem;         // the CA bundle as PEM text, in place of ca_file (a config carries it)
  long timeout_seconds = 60;  // to connect, and the longest stall while transferring
  // What the server is, for messages: "registry" gives "registry host:5000".
  std::string peer = "registry";
  // Follow redirects (registries send blobs to storage by redirect). A
  // metadata service does not redirect; a redirect would carry its token away.
  bool follow_redirects = true;
  std::string user_agent = "bronze-installer";
  // A client certificate and its key (PEM files) for mutual TLS; optional.
  std::string client_cert_file;
  std::string client_key_file;
  // Bound the whole request, not only a stall (small API answers).
  bool total_timeout = false;
};

// Header names in lower case; a repeated header keeps its last value.
using HttpHeaders = std::map<std::string, std::string>;

// Where a successful (2xx) response's body goes. start() sees the headers
// before the first byte (or, for an empty body, after the transfer); either
// may throw to abort the transfer, and the exception reaches the caller.
struct BodyTarget {
  std::function<void(const HttpHeaders&)> start;
  std::function<void(std::string_view)> write;
};

struct HttpResponse {
  long status = 0;
  HttpHeaders headers;
  std::string error_body;  // the start of a non-2xx response's body
  std::optional<std::string> header(const std::string& lower_case_name) const;
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Throws bronze::Error when the server cannot be reached or the transfer
  // fails; any HTTP status is returned. `body` is sent with any method but
  // GET (empty for a PUT with no body).
  HttpResponse request(const std::string& method, const std::string& url,
                       const std::vector<std::string>& request_headers, const std::string& body,
                       const BodyTarget& target);
  HttpResponse get(const std::string& url, const std::vector<std::string>& request_headers, const BodyTarget& target) {
    return request("GET", url, request_headers, {}, target);
  }

 private:
  struct Handle;
  HttpOptions options_;
  std::unique_ptr<Handle> handle_;
};

// "https://host:5000/v2/x" -> "host:5000", for messages.
std::string url_host(std::string_view url);

// A BodyTarget that keeps the body in `out`, refusing more than `max_bytes`.
BodyTarget collect_body(std::string& out, uint64_t max_bytes, const std::string& what);

}  // namespace bronze::http
