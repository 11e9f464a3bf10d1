// A host on a second network link of a QEMU guest, for the tests of static
// addressing, DNS and NTP: QEMU's socket network backend
// (-netdev socket,udp=127.0.0.1:PORT,localaddr=127.0.0.1:OTHER) sends each
// Ethernet frame of the guest's NIC as one UDP datagram to this stand-in,
// which answers ARP for its address, NTP (UDP 123) with the host's clock,
// and DNS (UDP 53) A queries from a table. No DHCP: the guest's address on
// this link can only come from its machine config. With a VLAN id it
// answers only frames tagged with that 802.1Q VLAN, and tags its answers,
// so that an answer proves the guest's VLAN link carried the question. It
// listens on 127.0.0.1 only, and its thread ends with the object.
//
// answer_ntp and answer_dns are written apart from the node's own NTP code,
// so that a bug shared by client and server cannot hide.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace bronze::test {

// The reply of a stratum-1 server to a client request, or nullopt when
// `request` is not one. `now` is Unix seconds.
std::optional<std::vector<uint8_t>> answer_ntp(std::span<const uint8_t> request, double now);

// A DHCP server's answer to a client's DISCOVER (an OFFER) or REQUEST (an
// ACK) of `offered`/24 from `server`, with `server` as its DNS server and a
// lease of an hour; nullopt when `request` is neither. Written apart from
// the node's DHCP code, to RFC 2131's layout.
std::optional<std::vector<uint8_t>> answer_dhcp(std::span<const uint8_t> request, const std::array<uint8_t, 4>& offered,
                                                const std::array<uint8_t, 4>& server);

// The answer to a DNS query: A records from `names` (name -> IPv4 address),
// NODATA for other types of a known name, NXDOMAIN for unknown names;
// nullopt when `query` is no query. `asked` receives the name asked for.
std::optional<std::vector<uint8_t>> answer_dns(std::span<const uint8_t> query,
                                               const std::map<std::string, std::string>& names, std::string* asked);

class LinkStandIn {
 public:
  // `address`: the stand-in's IPv4 address on the link.
  // `dhcp_offer`: the address its DHCP server leases (none: no DHCP).
  LinkStandIn(std::string address, std::map<std::string, std::string> dns_names,
              std::optional<uint16_t> vlan = std::nullopt, std::optional<std::string> dhcp_offer = std::nullopt);
  ~LinkStandIn();
  LinkStandIn(const LinkStandIn&) = delete;
  LinkStandIn& operator=(const LinkStandIn&) = delete;

  int port() const { return port_; }  // where QEMU sends the frames (udp=127.0.0.1:PORT)
  // The -netdev value for QEMU: socket,id=ID,udp=...,localaddr=....
  std::string netdev(const std::string& id) const;

  int arp_replies() const { return arp_replies_; }
  int ntp_replies() const { return ntp_replies_; }
  int dhcp_acks() const { return dhcp_acks_; }
  int tagged_frames() const { return tagged_frames_; }      // carrying our VLAN's tag
  int ignored_untagged() const { return ignored_untagged_; }  // untagged or another VLAN's, with a VLAN set
  std::vector<std::string> dns_questions() const;

 private:
  void run();
  void handle(std::span<const uint8_t> frame);
  void send_to_qemu(const std::vector<uint8_t>& frame);
  // `broadcast`: to every host (a DHCP answer to a client without an address).
  void reply_udp(std::span<const uint8_t> frame, size_t ip_at, size_t ip_header, const std::vector<uint8_t>& payload,
                 bool broadcast = false);

  std::array<uint8_t, 4> address_{};
  std::array<uint8_t, 6> mac_{0x02, 0x42, 0xc0, 0xa8, 0xc8, 0x01};
  std::map<std::string, std::string> dns_names_;
  int fd_ = -1;
  int port_ = 0;
  int qemu_port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> arp_replies_{0};
  std::atomic<int> ntp_replies_{0};
  std::optional<uint16_t> vlan_;
  std::optional<std::array<uint8_t, 4>> dhcp_offer_;
  std::atomic<int> dhcp_acks_{0};
  std::atomic<int> tagged_frames_{0};
  std::atomic<int> ignored_untagged_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> dns_questions_;
  std::thread thread_;
};

// The -netdev value of a link with no other host on it: its frames go to a
// loopback port that nobody reads (a bond's idle member, say).
std::string unconnected_link_netdev(const std::string& id);

}  // namespace bronze::test
