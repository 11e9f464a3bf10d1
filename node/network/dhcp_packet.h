// The DHCPv4 messages of a client (RFC 2131, options of RFC 2132): a
// DISCOVER, then a REQUEST for what the OFFER gave, each answered by the
// server; the answers parsed and checked to be ours (the transaction id
// and our hardware address). What the node takes from a lease: its address
// and mask, the router, DNS and NTP servers, and the lease time.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/error.h"

namespace bronze::network {

inline constexpr uint16_t kDhcpServerPort = 67;
inline constexpr uint16_t kDhcpClientPort = 68;

enum class DhcpMessage : uint8_t { Discover = 1, Offer = 2, Request = 3, Decline = 4, Ack = 5, Nak = 6, Release = 7 };

struct DhcpLease {
  std::array<uint8_t, 4> address{};
  int prefix_length = 0;
  std::array<uint8_t, 4> server{};  // its identifier (option 54)
  std::vector<std::array<uint8_t, 4>> routers, dns_servers, ntp_servers;
  uint32_t lease_seconds = 0;  // 0xffffffff: infinite
};

struct DhcpReply {
  DhcpMessage type = DhcpMessage::Nak;
  DhcpLease lease;
};

// A DISCOVER, or a REQUEST for `lease` (its address and server). The
// broadcast flag is set: an interface without an address cannot take a
// unicast answer.
std::vector<uint8_t> make_discover(uint32_t xid, const std::array<uint8_t, 6>& mac);
std::vector<uint8_t> make_request(uint32_t xid, const std::array<uint8_t, 6>& mac, const DhcpLease& offered);

// A reply to our transaction `xid` from `mac`: an OFFER, ACK or NAK.
// Throws bronze::Error naming what is wrong (too short, not a reply, no
// magic cookie, an option that runs past the end, no message type, an
// offer without an address or server identifier, a mask that is not one),
// NotOurs for another client's or another transaction's.
class NotOurs : public Error {
 public:
  using Error::Error;
};
DhcpReply parse_dhcp_reply(std::span<const uint8_t> packet, uint32_t xid, const std::array<uint8_t, 6>& mac);

std::string ipv4_text(const std::array<uint8_t, 4>& address);

}  // namespace bronze::network
