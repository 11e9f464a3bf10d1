#include "tests/support/link_standin.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <stdexcept>

namespace bronze::test {

namespace {

constexpr uint16_t kEtherArp = 0x0806;
constexpr uint16_t kEtherIpv4 = 0x0800;
constexpr uint16_t kEther8021Q = 0x8100;
constexpr uint8_t kUdp = 17;

uint16_t get16(std::span<const uint8_t> b, size_t at) { return static_cast<uint16_t>((b[at] << 8) | b[at + 1]); }
void put16(std::vector<uint8_t>& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}
void put32(std::vector<uint8_t>& b, uint32_t v) {
  put16(b, static_cast<uint16_t>(v >> 16));
  put16(b, static_cast<uint16_t>(v));
}

// The NTP timestamp of Unix time `now`: seconds since 1900 and a fraction.
void put_ntp_time(std::vector<uint8_t>& b, double now) {
  double since_1900 = now + 2208988800.0;
  double whole = std::floor(since_1900);
  put32(b, static_cast<uint32_t>(static_cast<uint64_t>(whole) & 0xffffffffu));
  put32(b, static_cast<uint32_t>((since_1900 - whole) * 4294967296.0));
}

uint16_t ip_checksum(const uint8_t* data, size_t size) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < size; i += 2) sum += static_cast<uint32_t>((data[i] << 8) | data[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

int bind_udp(int port) {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    throw std::runtime_error("bind 127.0.0.1");
  }
  return fd;
}

int port_of(int fd) {
  sockaddr_in address{};
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  return ntohs(address.sin_port);
}

}  // namespace

std::optional<std::vector<uint8_t>> answer_ntp(std::span<const uint8_t> request, double now) {
  if (request.size() < 48 || (request[0] & 7) != 3) return std::nullopt;
  int version = (request[0] >> 3) & 7;
  std::vector<uint8_t> reply;
  reply.push_back(static_cast<uint8_t>((0 << 6) | (version << 3) | 4));  // no leap warning, server
  reply.push_back(1);                                                    // stratum 1
  reply.push_back(request[2]);                                           // the client's poll
  reply.push_back(0xec);                                                 // precision 2^-20 s
  put32(reply, 0);                                                       // root delay
  put32(reply, 0x00000010);                                              // root dispersion
  for (char c : std::string("LOCL")) reply.push_back(static_cast<uint8_t>(c));
  put_ntp_time(reply, now - 1);                                          // reference time
  reply.insert(reply.end(), request.begin() + 40, request.begin() + 48);  // origin: their transmit
  put_ntp_time(reply, now);                                              // receive
  put_ntp_time(reply, now);                                              // transmit
  return reply;
}

std::optional<std::vector<uint8_t>> answer_dhcp(std::span<const uint8_t> request, const std::array<uint8_t, 4>& offered,
                                                const std::array<uint8_t, 4>& server) {
  // op, htype, hlen, hops, xid(4), secs(2), flags(2), ciaddr, yiaddr,
  // siaddr, giaddr, chaddr(16), sname(64), file(128): 236 bytes; then the
  // magic cookie 99.130.83.99 and the options.
  if (request.size() < 240 || request[0] != 1 || request[236] != 99 || request[237] != 130 || request[238] != 83 ||
      request[239] != 99) {
    return std::nullopt;
  }
  int type = 0;
  for (size_t at = 240; at + 1 < request.size() && request[at] != 255;) {
    if (request[at] == 0) {
      ++at;
      continue;
    }
    size_t length = request[at + 1];
    if (request[at] == 53 && length == 1 && at + 2 < request.size()) type = request[at + 2];
    at += 2 + length;
  }
  if (type != 1 && type != 3) return std::nullopt;
  std::vector<uint8_t> reply(request.begin(), request.begin() + 236);
  reply[0] = 2;  // a reply
  std::fill(reply.begin() + 12, reply.begin() + 16, 0);
  std::copy(offered.begin(), offered.end(), reply.begin() + 16);  // yiaddr
  std::copy(server.begin(), server.end(), reply.begin() + 20);    // siaddr
  reply.insert(reply.end(), {99, 130, 83, 99});  // the magic cookie
  auto option = [&reply](uint8_t code, std::vector<uint8_t> value) {
    reply.push_back(code);
    reply.push_back(static_cast<uint8_t>(value.size()));
    reply.insert(reply.end(), value.begin(), value.end());
  };
  option(53, {static_cast<uint8_t>(type == 1 ? 2 : 5)});  // OFFER or ACK
  option(54, {server.begin(), server.end()});
  option(1, {255, 255, 255, 0});
  option(51, {0, 0, 0x0e, 0x10});  // 3600 s
  option(6, {server.begin(), server.end()});
  reply.push_back(255);
  return reply;
}

std::optional<std::vector<uint8_t>> answer_dns(std::span<const uint8_t> query,
                                               const std::map<std::string, std::string>& names, std::string* asked) {
  if (query.size() < 12 || (query[2] & 0x80) != 0 || get16(query, 4) != 1) return std::nullopt;
  std::string name;
  size_t at = 12;
  while (true) {
    if (at >= query.size()) return std::nullopt;
    size_t length = query[at++];
    if (length == 0) break;
    if (length > 63 || at + length > query.size()) return std::nullopt;
    if (!name.empty()) name += '.';
    for (size_t i = 0; i < length; ++i) name += static_cast<char>(std::tolower(query[at + i]));
    at += length;
  }
  if (at + 4 > query.size()) return std::nullopt;
  uint16_t type = get16(query, at);
  at += 4;
  if (asked) *asked = name;
  auto found = names.find(name);
  bool answer = found != names.end() && type == 1;
  std::vector<uint8_t> reply(query.begin(), query.begin() + 2);  // the id
  uint16_t flags = 0x8000 | 0x0400 | 0x0080 | (get16(query, 2) & 0x0100) | (found == names.end() ? 3 : 0);
  put16(reply, flags);  // response, authoritative, recursion available, RD echoed, NXDOMAIN or not
  put16(reply, 1);
  put16(reply, answer ? 1 : 0);
  put16(reply, 0);
  put16(reply, 0);
  reply.insert(reply.end(), query.begin() + 12, query.begin() + static_cast<long>(at));  // the question
  if (answer) {
    in_addr address{};
    if (::inet_pton(AF_INET, found->second.c_str(), &address) != 1) return std::nullopt;
    put16(reply, 0xc00c);  // the name: the question's
    put16(reply, 1);       // A
    put16(reply, 1);       // IN
    put32(reply, 60);
    put16(reply, 4);
    const auto* bytes = reinterpret_cast<const uint8_t*>(&address.s_addr);
    reply.insert(reply.end(), bytes, bytes + 4);
  }
  return reply;
}

LinkStandIn::LinkStandIn(std::string address, std::map<std::string, std::string> dns_names,
                         std::optional<uint16_t> vlan, std::optional<std::string> dhcp_offer)
    : dns_names_(std::move(dns_names)), vlan_(vlan) {
  if (::inet_pton(AF_INET, address.c_str(), address_.data()) != 1) throw std::runtime_error("bad address " + address);
  if (dhcp_offer) {
    std::array<uint8_t, 4> offer{};
    if (::inet_pton(AF_INET, dhcp_offer->c_str(), offer.data()) != 1) throw std::runtime_error("bad address " + *dhcp_offer);
    dhcp_offer_ = offer;
  }
  // QEMU's end: a port taken and released, as free_local_port does for TCP.
  int probe = bind_udp(0);
  qemu_port_ = port_of(probe);
  ::close(probe);
  fd_ = bind_udp(0);
  port_ = port_of(fd_);
  thread_ = std::thread([this] { run(); });
}

LinkStandIn::~LinkStandIn() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) ::close(fd_);
}

std::string LinkStandIn::netdev(const std::string& id) const {
  return "socket,id=" + id + ",udp=127.0.0.1:" + std::to_string(port_) + ",localaddr=127.0.0.1:" +
         std::to_string(qemu_port_);
}

std::vector<std::string> LinkStandIn::dns_questions() const {
  std::lock_guard lock(mutex_);
  return dns_questions_;
}

void LinkStandIn::run() {
  // Bounded: it checks stop_ every 200 ms, and the test's object ends it.
  while (!stop_) {
    pollfd ready{fd_, POLLIN, 0};
    if (::poll(&ready, 1, 200) <= 0) continue;
    uint8_t frame[2048];
    ssize_t got = ::recv(fd_, frame, sizeof frame, 0);
    if (got > 0) handle({frame, static_cast<size_t>(got)});
  }
}

void LinkStandIn::handle(std::span<const uint8_t> tagged) {
  if (tagged.size() < 14) return;
  std::vector<uint8_t> untagged;
  std::span<const uint8_t> frame = tagged;
  if (vlan_) {
    // 802.1Q: the tag (TPID 0x8100, then priority and the 12-bit VLAN id)
    // sits between the source MAC and the EtherType.
    if (tagged.size() < 18 || get16(tagged, 12) != kEther8021Q || (get16(tagged, 14) & 0x0fff) != *vlan_) {
      ++ignored_untagged_;
      return;
    }
    ++tagged_frames_;
    untagged.assign(tagged.begin(), tagged.begin() + 12);
    untagged.insert(untagged.end(), tagged.begin() + 16, tagged.end());
    frame = untagged;
  }
  uint16_t type = get16(frame, 12);
  std::vector<uint8_t> out;
  if (type == kEtherArp && frame.size() >= 42 && get16(frame, 20) == 1 &&
      std::equal(address_.begin(), address_.end(), frame.begin() + 38)) {
    out.insert(out.end(), frame.begin() + 22, frame.begin() + 28);  // to the asker
    out.insert(out.end(), mac_.begin(), mac_.end());
    put16(out, kEtherArp);
    out.insert(out.end(), frame.begin() + 14, frame.begin() + 20);  // htype, ptype, hlen, plen
    put16(out, 2);                                                   // reply
    out.insert(out.end(), mac_.begin(), mac_.end());
    out.insert(out.end(), address_.begin(), address_.end());
    out.insert(out.end(), frame.begin() + 22, frame.begin() + 32);  // their MAC and address
    ++arp_replies_;
  } else if (type == kEtherIpv4 && frame.size() >= 14 + 20 + 8) {
    size_t ip_at = 14;
    size_t header = static_cast<size_t>(frame[ip_at] & 0x0f) * 4;
    if ((frame[ip_at] >> 4) != 4 || header < 20 || frame[ip_at + 9] != kUdp || frame.size() < ip_at + header + 8) return;
    static const std::array<uint8_t, 4> kEveryone = {255, 255, 255, 255};
    bool to_us = std::equal(address_.begin(), address_.end(), frame.begin() + static_cast<long>(ip_at) + 16);
    bool to_all = std::equal(kEveryone.begin(), kEveryone.end(), frame.begin() + static_cast<long>(ip_at) + 16);
    if (!to_us && !to_all) return;
    size_t udp_at = ip_at + header;
    uint16_t udp_length = get16(frame, udp_at + 4);
    if (udp_length < 8 || udp_at + udp_length > frame.size()) return;
    auto payload = frame.subspan(udp_at + 8, udp_length - 8u);
    uint16_t port = get16(frame, udp_at + 2);
    std::optional<std::vector<uint8_t>> answer;
    if (port == 67 && to_all && dhcp_offer_) {
      answer = answer_dhcp(payload, *dhcp_offer_, address_);
      if (!answer) return;
      if ((*answer)[242] == 5) ++dhcp_acks_;  // option 53's value, the first option: an ACK
      reply_udp(frame, ip_at, header, *answer, true);
      return;
    }
    if (!to_us) return;
    if (port == 123) {
      auto now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
      answer = answer_ntp(payload, now);
      if (answer) ++ntp_replies_;
    } else if (port == 53) {
      std::string asked;
      answer = answer_dns(payload, dns_names_, &asked);
      if (answer) {
        std::lock_guard lock(mutex_);
        dns_questions_.push_back(asked);
      }
    }
    if (!answer) return;
    reply_udp(frame, ip_at, header, *answer);
    return;
  }
  if (!out.empty()) send_to_qemu(out);
}

void LinkStandIn::send_to_qemu(const std::vector<uint8_t>& untagged) {
  std::vector<uint8_t> frame = untagged;
  if (vlan_ && frame.size() >= 12) {
    std::vector<uint8_t> tag;
    put16(tag, kEther8021Q);
    put16(tag, *vlan_);
    frame.insert(frame.begin() + 12, tag.begin(), tag.end());
  }
  sockaddr_in qemu{};
  qemu.sin_family = AF_INET;
  qemu.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  qemu.sin_port = htons(static_cast<uint16_t>(qemu_port_));
  ::sendto(fd_, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&qemu), sizeof qemu);
}

void LinkStandIn::reply_udp(std::span<const uint8_t> frame, size_t ip_at, size_t ip_header,
                            const std::vector<uint8_t>& payload, bool broadcast) {
  std::vector<uint8_t> out;
  if (broadcast) {
    out.insert(out.end(), 6, 0xff);
  } else {
    out.insert(out.end(), frame.begin() + 6, frame.begin() + 12);  // to the sender's MAC
  }
  out.insert(out.end(), mac_.begin(), mac_.end());
  put16(out, kEtherIpv4);
  size_t ip = out.size();
  out.push_back(0x45);
  out.push_back(0);
  put16(out, static_cast<uint16_t>(20 + 8 + payload.size()));
  put16(out, 0);
  put16(out, 0x4000);  // don't fragment
  out.push_back(64);
  out.push_back(kUdp);
  put16(out, 0);  // checksum, below
  out.insert(out.end(), address_.begin(), address_.end());
  if (broadcast) {
    out.insert(out.end(), 4, 0xff);
  } else {
    out.insert(out.end(), frame.begin() + static_cast<long>(ip_at) + 12, frame.begin() + static_cast<long>(ip_at) + 16);
  }
  uint16_t checksum = ip_checksum(out.data() + ip, 20);
  out[ip + 10] = static_cast<uint8_t>(checksum >> 8);
  out[ip + 11] = static_cast<uint8_t>(checksum);
  size_t udp_at = ip_at + ip_header;
  put16(out, get16(frame, udp_at + 2));  // from the port they asked
  put16(out, get16(frame, udp_at));      // to theirs
  put16(out, static_cast<uint16_t>(8 + payload.size()));
  put16(out, 0);  // no UDP checksum (allowed over IPv4)
  out.insert(out.end(), payload.begin(), payload.end());
  send_to_qemu(out);
}

std::string unconnected_link_netdev(const std::string& id) {
  // Two loopback ports taken and released: QEMU binds one, and sends to the
  // other, where nothing listens.
  int probes[2] = {bind_udp(0), bind_udp(0)};  // both held at once, so they differ
  int ports[2] = {port_of(probes[0]), port_of(probes[1])};
  for (int probe : probes) ::close(probe);
  return "socket,id=" + id + ",udp=127.0.0.1:" + std::to_string(ports[0]) + ",localaddr=127.0.0.1:" + std::to_string(ports[1]);
}

}  // namespace bronze::test
