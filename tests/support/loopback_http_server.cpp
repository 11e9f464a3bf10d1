#include "tests/support/loopback_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "base/error.h"

namespace bronze::test {

namespace {

// Bounds that keep a broken test from hanging: the server answers at most
// this many connections (a drain test polls the fake Kubernetes API often),
// reads at most this much of a request, and gives up on a client that sends
// nothing.
constexpr int kMaxConnections = 5000;
constexpr size_t kMaxRequestBytes = 1024 * 1024;
constexpr int kPollMilliseconds = 20;
constexpr int kReadTimeoutSeconds = 5;

const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 307: return "Temporary Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    default: return "Status";
  }
}

int listen_on_loopback(uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw_errno("test server: socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(fd, 64) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw_errno("test server: bind 127.0.0.1");
  }
  port = ntohs(address.sin_port);
  return fd;
}

void send_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    // MSG_NOSIGNAL: a client that hung up must not kill the test with SIGPIPE.
    ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// Fills in the request line and headers from the text before the blank line.
bool parse_head(const std::string& head, HttpRequest& request) {
  size_t line_end = head.find("\r\n");
  std::string line = head.substr(0, line_end);
  size_t first_space = line.find(' ');
  size_t second_space = line.find(' ', first_space + 1);
  if (first_space == std::string::npos || second_space == std::string::npos) return false;
  request.method = line.substr(0, first_space);
  request.target = line.substr(first_space + 1, second_space - first_space - 1);
  size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string::npos) end = head.size();
    std::string header = head.substr(pos, end - pos);
    size_t colon = header.find(':');
    if (colon != std::string::npos) {
      size_t value_start = header.find_first_not_of(' ', colon + 1);
      request.headers[lower(header.substr(0, colon))] =
          value_start == std::string::npos ? "" : header.substr(value_start);
    }
    pos = end + 2;
  }
  return true;
}

std::optional<HttpRequest> read_request(int fd) {
  std::string text;
  char buffer[4096];
  auto receive_more = [&] {
    if (text.size() > kMaxRequestBytes) return false;
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    text.append(buffer, static_cast<size_t>(n));
    return true;
  };
  size_t head_end;
  while ((head_end = text.find("\r\n\r\n")) == std::string::npos) {
    if (!receive_more()) return std::nullopt;
  }
  HttpRequest request;
  if (!parse_head(text.substr(0, head_end), request)) return std::nullopt;
  // No chunked bodies: the clients under test send Content-Length. A length
  // that does not parse drops the request rather than the server's thread.
  size_t body_length = 0;
  if (std::string length = request.header("content-length"); !length.empty()) {
    auto [end, error] = std::from_chars(length.data(), length.data() + length.size(), body_length);
    if (error != std::errc() || end != length.data() + length.size()) return std::nullopt;
  }
  size_t body_start = head_end + 4;
  while (text.size() - body_start < body_length) {
    if (!receive_more()) return std::nullopt;
  }
  request.body = text.substr(body_start, body_length);
  return request;
}

}  // namespace

std::string HttpRequest::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

LoopbackHttpServer::LoopbackHttpServer(Handler handler) : handler_(std::move(handler)) {
  listener_ = listen_on_loopback(port_);
  thread_ = std::thread([this] { serve(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
  stopping_ = true;
  thread_.join();
  ::close(listener_);
}

std::vector<HttpRequest> LoopbackHttpServer::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

void LoopbackHttpServer::serve() {
  for (int served = 0; served < kMaxConnections && !stopping_;) {
    pollfd waiting{listener_, POLLIN, 0};
    if (::poll(&waiting, 1, kPollMilliseconds) <= 0) continue;
    int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) continue;
    ++served;
    timeval timeout{kReadTimeoutSeconds, 0};
    ::setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    answer(connection);
    ::close(connection);
  }
}

void LoopbackHttpServer::answer(int connection) {
  std::optional<HttpRequest> request = read_request(connection);
  if (!request) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(*request);
  }
  HttpReply reply;
  try {
    reply = handler_(*request);
  } catch (const std::exception& e) {
    reply = HttpReply{500, {{"Content-Type", "text/plain"}}, std::string("test handler failed: ") + e.what(),
                      std::nullopt};
  }
  std::string head = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) + "\r\n";
  head += "Content-Length: " + std::to_string(reply.content_length.value_or(reply.body.size())) + "\r\n";
  head += "Connection: close\r\n";
  for (const auto& [name, value] : reply.headers) head += name + ": " + value + "\r\n";
  head += "\r\n";
  send_all(connection, head + reply.body);
  // Bounded by the handler's choice; ends early when the server stops.
  for (auto left = reply.hold_open; left.count() > 0 && !stopping_.load(); left -= std::chrono::milliseconds(50)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

uint16_t unused_port() {
  uint16_t port = 0;
  ::close(listen_on_loopback(port));
  return port;
}

}  // namespace bronze::test
