// machine.network and machine.time of the machine config, in Talos's
// v1alpha1 shape:
//
//   machine:
//     network:
//       hostname: node-1
//       nameservers: [192.168.200.1]      # at most 3, as the resolver reads no more
//       searchDomains: [example.com]      # at most 6
//       interfaces:
//         - interface: eth0
//           dhcp: false                   # a listed interface has no DHCP unless it says so
//           addresses: [10.0.2.50/24]
//           routes:
//             - {network: 0.0.0.0/0, gateway: 10.0.2.2, metric: 1024}
//           mtu: 1500
//         - interface: bond0              # a bond of eth1 and eth2
//           bond:
//             interfaces: [eth1, eth2]
//             mode: active-backup         # the kernel's names; balance-rr by default
//             miimon: 100
//           vlans:
//             - vlanId: 42                # the link bond0.42
//               addresses: [192.168.200.2/24]
//     time:
//       disabled: false
//       servers: [time.cloudflare.com]
//       bootTimeout: 30s                  # how long the boot waits for the first sync
//
// Everything is checked at parse time (addresses, prefixes, a route's
// gateway of the network's family, names), so that a node never takes a
// config it would apply only halfway.
#pragma once

#include <yaml-cpp/yaml.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "yaml/strict_yaml.h"

namespace bronze::config {

struct RouteConfig {
  std::string network;  // a prefix with no host bits, "0.0.0.0/0" for the default route
  std::string gateway;  // empty: the network is on the link
  uint32_t metric = 0;  // 0: the kernel's default
  bool operator==(const RouteConfig&) const = default;
};

// A bond made of other NICs. Its members carry no configuration of their
// own; the bond takes their addresses' place.
struct BondConfig {
  std::vector<std::string> interfaces;  // the members, in the order they join
  std::string mode = "balance-rr";      // the kernel's mode names, balance-rr its default
  uint32_t miimon = 0;                  // link checks every N ms; 0: none
  std::string lacp_rate;                // 802.3ad only: slow or fast; empty: the kernel's (slow)
  std::string xmit_hash_policy;         // layer2, layer3+4, ...; empty: the kernel's (layer2)
  std::string primary;                  // active-backup, balance-tlb, balance-alb: the preferred member
  bool operator==(const BondConfig&) const = default;
};

// An 802.1Q VLAN on an interface: the link <interface>.<vlanId>.
struct VlanConfig {
  uint16_t vlan_id = 0;  // 1 to 4094
  bool dhcp = false;
  std::vector<std::string> addresses;
  std::vector<RouteConfig> routes;
  uint32_t mtu = 0;
  bool operator==(const VlanConfig&) const = default;
};

struct InterfaceConfig {
  std::string interface;                // the kernel's name: eth0, or the bond's to make: bond0
  bool dhcp = false;                    // as Talos: only when asked for
  std::vector<std::string> addresses;   // prefixes: 10.0.2.50/24
  std::vector<RouteConfig> routes;
  uint32_t mtu = 0;                     // 0: leave it
  std::optional<BondConfig> bond;       // set: `interface` is a bond to make of these members
  std::vector<VlanConfig> vlans;
  bool operator==(const InterfaceConfig&) const = default;
};

// The kernel's bonding modes and transmit hash policies by their names,
// each at the index the kernel numbers it by (BOND_MODE_*,
// BOND_XMIT_POLICY_*). Every reader of bonds (the config, the platforms'
// metadata) and the node's rtnetlink code take them from here.
inline constexpr std::array<std::string_view, 7> kBondModes = {
    "balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad", "balance-tlb", "balance-alb"};
inline constexpr std::array<std::string_view, 5> kBondHashPolicies = {"layer2", "layer3+4", "layer2+3", "encap2+3",
                                                                      "encap3+4"};
// The index of `name` in `names`; nullopt when it is not there.
template <size_t N>
std::optional<uint8_t> index_of(const std::array<std::string_view, N>& names, std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<uint8_t>(i);
  }
  return std::nullopt;
}

// A name the kernel takes for a link: 1 to 15 (IFNAMSIZ - 1) letters,
// digits, '-', '_' or '.', and not "." or "..".
inline bool is_interface_name(std::string_view name) {
  if (name.empty() || name.size() > 15 || name == "." || name == "..") return false;
  for (char c : name) {
    bool letter_or_digit = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!letter_or_digit && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

// The kernel's name of a VLAN link: eth0.42.
inline std::string vlan_link_name(const std::string& parent, uint16_t vlan_id) {
  return parent + "." + std::to_string(vlan_id);
}

struct NetworkConfig {
  std::string hostname;  // empty: the platform's, else the node picks none
  std::vector<std::string> nameservers;
  std::vector<std::string> search_domains;
  std::vector<InterfaceConfig> interfaces;  // unlisted interfaces keep what the kernel's DHCP gave them
  bool operator==(const NetworkConfig&) const = default;
};

struct TimeConfig {
  bool disabled = false;
  std::vector<std::string> servers;  // empty: DHCP's, else kDefaultTimeServer
  // How long the boot waits for the first sync before it goes on without
  // one (syncing goes on behind it); -1: the default (decision 19).
  int boot_timeout_seconds = -1;
  bool operator==(const TimeConfig&) const = default;
};

inline constexpr const char* kDefaultTimeServer = "time.cloudflare.com";

NetworkConfig read_network(const StrictYaml& yaml, const YAML::Node& node, const std::string& path);
TimeConfig read_time(const StrictYaml& yaml, const YAML::Node& node, const std::string& path);

// Written only when they hold something, so that a config without them
// reads back equal.
void emit_network(YAML::Emitter& out, const NetworkConfig& network);
void emit_time(YAML::Emitter& out, const TimeConfig& time);
bool is_empty(const NetworkConfig& network);
bool is_empty(const TimeConfig& time);

// Go's duration form, as Talos writes it: "30s", "2m", "1m30s", "1h".
// Nullopt when it is not one.
std::optional<int64_t> parse_duration_seconds(const std::string& text);

}  // namespace bronze::config
