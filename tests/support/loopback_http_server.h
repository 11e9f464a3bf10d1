// A small HTTP/1.1 server for tests: one thread on 127.0.0.1 (an ephemeral
// port), one request per connection, request bodies read by Content-Length,
// answers from a handler. It stands in for a container registry and its token
// service (redirects, announced sizes that lie) and for the Kubernetes API
// (PATCH and POST bodies). Every request is recorded.
#pragma once

#include <chrono>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace bronze::test {

struct HttpRequest {
  std::string method;
  std::string target;                         // "/v2/x/manifests/v1?query"
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string header(const std::string& name) const;
};

struct HttpReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // sent as given, Content-Type among them
  std::string body;
  // Announce this instead of the body's size, to play a server that sends
  // less than it promised.
  std::optional<uint64_t> content_length;
  // Keep the connection open this long after the body before closing it, to
  // play a server that stalls in the middle of a transfer (with a
  // content_length above the body's size). The server answers nothing else
  // meanwhile.
  std::chrono::milliseconds hold_open{0};
};

class LoopbackHttpServer {
 public:
  using Handler = std::function<HttpReply(const HttpRequest&)>;
  explicit LoopbackHttpServer(Handler handler);
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // In the order they came, each recorded before its handler runs.
  std::vector<HttpRequest> requests() const;

 private:
  void serve();
  void answer(int connection);

  Handler handler_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<HttpRequest> requests_;
  std::thread thread_;
};

// A port on 127.0.0.1 that nothing listens on (bound, then released).
uint16_t unused_port();

}  // namespace bronze::test
