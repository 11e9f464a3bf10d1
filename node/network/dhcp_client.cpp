#include "node/network/dhcp_client.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <random>

#include "base/error.h"

namespace bronze::network {

namespace {

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(Socket&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

[[noreturn]] void fail(const std::string& what) { throw Error(what + ": " + std::strerror(errno)); }

Socket open_socket(const std::string& interface, uint16_t client_port) {
  Socket s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (s.get() < 0) fail("cannot open a UDP socket for DHCP");
  int on = 1;
  ::setsockopt(s.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (::setsockopt(s.get(), SOL_SOCKET, SO_BROADCAST, &on, sizeof on) != 0) fail("cannot broadcast for DHCP");
  // Only this interface's traffic, and sent out through it whatever the
  // routes say (it has no address yet).
  if (::setsockopt(s.get(), SOL_SOCKET, SO_BINDTODEVICE, interface.c_str(), static_cast<socklen_t>(interface.size())) != 0) {
    fail("cannot bind the DHCP socket to " + interface);
  }
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_port = htons(client_port);
  if (::bind(s.get(), reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) fail("cannot take UDP port " + std::to_string(client_port));
  return s;
}

void broadcast(const Socket& s, const std::vector<uint8_t>& packet, uint16_t server_port) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(server_port);
  to.sin_addr.s_addr = htonl(INADDR_BROADCAST);
  if (::sendto(s.get(), packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0) fail("cannot send a DHCP message");
}

// Our answer of `wanted` types within `wait`, or nullopt. Others' answers
// and malformed packets are passed over.
std::optional<DhcpReply> await(const Socket& s, uint32_t xid, const std::array<uint8_t, 6>& mac,
                               std::chrono::milliseconds wait, const std::function<void()>& tick, std::string& last_problem) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd ready{s.get(), POLLIN, 0};
    int n = ::poll(&ready, 1, static_cast<int>(std::min<int64_t>(left.count(), 500)));
    if (tick) tick();
    if (n <= 0) continue;
    uint8_t buffer[1500];
    ssize_t got = ::recv(s.get(), buffer, sizeof buffer, 0);
    if (got <= 0) continue;
    try {
      return parse_dhcp_reply({buffer, static_cast<size_t>(got)}, xid, mac);
    } catch (const NotOurs&) {
    } catch (const Error& e) {
      last_problem = e.what();
    }
  }
}

}  // namespace

DhcpLease acquire_lease(const std::string& interface, const std::array<uint8_t, 6>& mac, std::chrono::seconds timeout,
                        const std::function<void()>& tick, uint16_t server_port, uint16_t client_port) {
  Socket s = open_socket(interface, client_port);
  std::random_device random;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string problem;
  // RFC 2131 4.1: retransmit with doubling delays (2, 4, 8, 16 s here).
  for (auto wait = std::chrono::milliseconds(2000); std::chrono::steady_clock::now() < deadline; wait *= 2) {
    wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    uint32_t xid = random();
    broadcast(s, make_discover(xid, mac), server_port);
    auto offer = await(s, xid, mac, wait, tick, problem);
    if (!offer || offer->type != DhcpMessage::Offer) continue;
    broadcast(s, make_request(xid, mac, offer->lease), server_port);
    auto ack = await(s, xid, mac, wait, tick, problem);
    if (!ack) continue;
    if (ack->type == DhcpMessage::Nak) {
      problem = "the server " + ipv4_text(offer->lease.server) + " refused the request for " + ipv4_text(offer->lease.address) + " (NAK)";
      continue;
    }
    if (ack->type == DhcpMessage::Ack) return ack->lease;
  }
  throw Error("no DHCP lease on " + interface + " within " + std::to_string(timeout.count()) + " s" +
              (problem.empty() ? " (no server answered)" : " (" + problem + ")"));
}

}  // namespace bronze::network
