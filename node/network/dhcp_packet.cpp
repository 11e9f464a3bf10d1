#include "node/network/dhcp_packet.h"

#include <algorithm>

namespace bronze::network {

namespace {

// The BOOTP header before the options (RFC 2131, figure 1), and the cookie
// that says DHCP options follow.
constexpr size_t kHeaderSize = 236;
constexpr uint8_t kMagic[4] = {99, 130, 83, 99};
constexpr uint8_t kBootRequest = 1, kBootReply = 2;
constexpr uint8_t kPad = 0, kEnd = 255, kSubnetMask = 1, kRouter = 3, kDns = 6, kNtp = 42, kRequestedAddress = 50,
                  kLeaseTime = 51, kMessageType = 53, kServerId = 54, kParameterList = 55, kMaxSize = 57;

void put32(std::vector<uint8_t>& out, size_t at, uint32_t value) {
  for (int i = 0; i < 4; ++i) out[at + static_cast<size_t>(i)] = static_cast<uint8_t>(value >> (24 - 8 * i));
}

std::vector<uint8_t> header(uint32_t xid, const std::array<uint8_t, 6>& mac) {
  std::vector<uint8_t> out(kHeaderSize, 0);
  out[0] = kBootRequest;
  out[1] = 1;  // Ethernet
  out[2] = 6;  // its address length
  put32(out, 4, xid);
  out[10] = 0x80;  // flags: broadcast
  std::copy(mac.begin(), mac.end(), out.begin() + 28);
  out.insert(out.end(), std::begin(kMagic), std::end(kMagic));
  return out;
}

void option(std::vector<uint8_t>& out, uint8_t code, std::initializer_list<uint8_t> value) {
  out.push_back(code);
  out.push_back(static_cast<uint8_t>(value.size()));
  out.insert(out.end(), value);
}

void common_options(std::vector<uint8_t>& out) {
  option(out, kParameterList, {kSubnetMask, kRouter, kDns, kNtp, kLeaseTime});
  option(out, kMaxSize, {0x05, 0xdc});  // 1500
}

std::vector<std::array<uint8_t, 4>> addresses(std::span<const uint8_t> value, const char* what) {
  if (value.empty() || value.size() % 4 != 0) throw Error(std::string("DHCP reply: the ") + what + " option is not a list of IPv4 addresses");
  std::vector<std::array<uint8_t, 4>> out;
  for (size_t i = 0; i < value.size(); i += 4) out.push_back({value[i], value[i + 1], value[i + 2], value[i + 3]});
  return out;
}

}  // namespace

std::vector<uint8_t> make_discover(uint32_t xid, const std::array<uint8_t, 6>& mac) {
  auto out = header(xid, mac);
  option(out, kMessageType, {static_cast<uint8_t>(DhcpMessage::Discover)});
  common_options(out);
  out.push_back(kEnd);
  return out;
}

std::vector<uint8_t> make_request(uint32_t xid, const std::array<uint8_t, 6>& mac, const DhcpLease& offered) {
  auto out = header(xid, mac);
  option(out, kMessageType, {static_cast<uint8_t>(DhcpMessage::Request)});
  const auto& a = offered.address;
  const auto& s = offered.server;
  option(out, kRequestedAddress, {a[0], a[1], a[2], a[3]});
  option(out, kServerId, {s[0], s[1], s[2], s[3]});
  common_options(out);
  out.push_back(kEnd);
  return out;
}

DhcpReply parse_dhcp_reply(std::span<const uint8_t> packet, uint32_t xid, const std::array<uint8_t, 6>& mac) {
  if (packet.size() < kHeaderSize + 4) throw Error("DHCP reply: " + std::to_string(packet.size()) + " bytes, too short");
  if (packet[0] != kBootReply) throw Error("DHCP reply: not a BOOTP reply (op " + std::to_string(packet[0]) + ")");
  uint32_t got_xid = (uint32_t{packet[4]} << 24) | (uint32_t{packet[5]} << 16) | (uint32_t{packet[6]} << 8) | packet[7];
  if (got_xid != xid || packet[1] != 1 || packet[2] != 6 || !std::equal(mac.begin(), mac.end(), packet.begin() + 28)) {
    throw NotOurs("DHCP reply for another client or transaction");
  }
  if (!std::equal(std::begin(kMagic), std::end(kMagic), packet.begin() + kHeaderSize)) throw Error("DHCP reply: no DHCP magic cookie");
  DhcpReply reply;
  std::copy(packet.begin() + 16, packet.begin() + 20, reply.lease.address.begin());  // yiaddr
  bool typed = false, has_server = false;
  size_t at = kHeaderSize + 4;
  while (at < packet.size()) {
    uint8_t code = packet[at++];
    if (code == kPad) continue;
    if (code == kEnd) break;
    if (at >= packet.size() || at + 1 + packet[at] > packet.size()) throw Error("DHCP reply: option " + std::to_string(code) + " runs past the end");
    auto value = packet.subspan(at + 1, packet[at]);
    at += 1 + value.size();
    switch (code) {
      case kMessageType:
        if (value.size() != 1) throw Error("DHCP reply: a message type that is not one byte");
        reply.type = static_cast<DhcpMessage>(value[0]);
        typed = true;
        break;
      case kServerId:
        reply.lease.server = addresses(value, "server identifier").front();
        has_server = true;
        break;
      case kSubnetMask: {
        auto mask = addresses(value, "subnet mask").front();
        uint32_t bits = (uint32_t{mask[0]} << 24) | (uint32_t{mask[1]} << 16) | (uint32_t{mask[2]} << 8) | mask[3];
        int length = 0;
        while (length < 32 && (bits & (0x80000000u >> length))) ++length;
        if (length < 32 && (bits << length) != 0) throw Error("DHCP reply: the subnet mask " + ipv4_text(mask) + " is not contiguous");
        reply.lease.prefix_length = length;
        break;
      }
      case kRouter: reply.lease.routers = addresses(value, "router"); break;
      case kDns: reply.lease.dns_servers = addresses(value, "DNS server"); break;
      case kNtp: reply.lease.ntp_servers = addresses(value, "NTP server"); break;
      case kLeaseTime:
        if (value.size() != 4) throw Error("DHCP reply: a lease time that is not four bytes");
        reply.lease.lease_seconds = (uint32_t{value[0]} << 24) | (uint32_t{value[1]} << 16) | (uint32_t{value[2]} << 8) | value[3];
        break;
      default: break;
    }
  }
  if (!typed) throw Error("DHCP reply: no message type");
  if (reply.type != DhcpMessage::Offer && reply.type != DhcpMessage::Ack && reply.type != DhcpMessage::Nak) {
    throw Error("DHCP reply: message type " + std::to_string(static_cast<int>(reply.type)) + " is not a server's answer");
  }
  if (reply.type != DhcpMessage::Nak) {
    if (reply.lease.address == std::array<uint8_t, 4>{}) throw Error("DHCP reply: an offer of no address (0.0.0.0)");
    if (!has_server) throw Error("DHCP reply: no server identifier");
    if (reply.lease.prefix_length == 0) {
      // No mask given: the address's class decides, as RFC 2131 leaves it.
      uint8_t first = reply.lease.address[0];
      reply.lease.prefix_length = first < 128 ? 8 : first < 192 ? 16 : 24;
    }
  }
  return reply;
}

std::string ipv4_text(const std::array<uint8_t, 4>& a) {
  return std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "." + std::to_string(a[3]);
}

}  // namespace bronze::network
