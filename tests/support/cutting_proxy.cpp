#include "tests/support/cutting_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/error.h"

namespace bronze::test {

namespace {

constexpr int kPollMs = 100;  // how often a relay looks at the stop pipe

sockaddr_in loopback(uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  return address;
}

bool send_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

CuttingProxy::CuttingProxy(uint16_t upstream_port, std::vector<uint64_t> cuts)
    : upstream_port_(upstream_port), cuts_(std::move(cuts)) {
  if (::pipe2(stop_pipe_, O_CLOEXEC) != 0) throw_errno("pipe");
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener_ < 0) throw_errno("socket");
  sockaddr_in address = loopback(0);
  socklen_t length = sizeof address;
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener_, 16) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw_errno("cutting proxy: listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

CuttingProxy::~CuttingProxy() {
  char stop = 's';
  (void)!::write(stop_pipe_[1], &stop, 1);
  acceptor_.join();
  for (auto& t : threads_) t.join();
  ::close(listener_);
  ::close(stop_pipe_[0]);
  ::close(stop_pipe_[1]);
}

bool CuttingProxy::take_cut(uint64_t bytes) {
  std::lock_guard lock(mutex_);
  if (cuts_.empty() || bytes < cuts_.front()) return false;
  cuts_.erase(cuts_.begin());
  ++cuts_done_;
  return true;
}

void CuttingProxy::accept_loop() {
  while (true) {
    pollfd fds[2] = {{listener_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents) return;
    int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    threads_.emplace_back([this, client] { relay(client); });
  }
}

void CuttingProxy::relay(int client) {
  int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = loopback(upstream_port_);
  if (server < 0 || ::connect(server, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    if (server >= 0) ::close(server);
    ::close(client);
    return;
  }
  uint64_t downstream = 0;
  std::vector<char> buffer(64 * 1024);
  bool open = true;
  while (open) {
    pollfd fds[3] = {{client, POLLIN, 0}, {server, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 3, kPollMs) < 0) break;
    if (fds[2].revents) break;
    for (int i = 0; i < 2 && open; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      int from = i == 0 ? client : server;
      int to = i == 0 ? server : client;
      // Toward the client, at most up to the next cut point in one go.
      ssize_t n = ::recv(from, buffer.data(), buffer.size(), 0);
      if (n <= 0) {
        open = false;
        break;
      }
      size_t size = static_cast<size_t>(n);
      if (i == 1) {
        std::lock_guard lock(mutex_);
        if (!cuts_.empty() && downstream + size > cuts_.front()) {
          size = cuts_.front() > downstream ? static_cast<size_t>(cuts_.front() - downstream) : 0;
        }
      }
      if (!send_all(to, buffer.data(), size)) open = false;
      if (i == 1) {
        downstream += size;
        if (take_cut(downstream)) open = false;  // the rest of what was read is lost with the connection
      }
    }
  }
  ::shutdown(client, SHUT_RDWR);
  ::shutdown(server, SHUT_RDWR);
  ::close(client);
  ::close(server);
}

}  // namespace bronze::test
