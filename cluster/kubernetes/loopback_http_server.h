// A small HTTP/1.1 server for tests: one thread on 127.0.0.1 (an ephemeral
// port), one request per connection, bodies read by Content-Length, answers
// from a handler. The registry tests have a similar server, but it reads no
// request bodies, and the Kubernetes API is all PATCH and POST bodies.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <thread>

namespace bronze::kube::test {

struct HttpRequest {
  std::string method;
  std::string target;                         // "/api/v1/pods?fieldSelector=..."
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string header(const std::string& name) const;
};

struct HttpReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
};

class LoopbackHttpServer {
 public:
  using Handler = std::function<HttpReply(const HttpRequest&)>;
  explicit LoopbackHttpServer(Handler handler);
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  uint16_t port() const { return port_; }

 private:
  void serve();
  void answer(int connection);

  Handler handler_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// A port on 127.0.0.1 that nothing listens on (bound, then released).
uint16_t unused_loopback_port();

}  // namespace bronze::kube::test
