#include "machine_config/network_config.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "base/ip_prefix.h"
#include "pki/pki.h"

namespace bronze::config {

namespace {

// glibc's resolver reads at most 3 nameservers (MAXNS) and 6 search
// domains (MAXDNSRCH); more would be silently dropped on the node.
constexpr size_t kMaxNameservers = 3;
constexpr size_t kMaxSearchDomains = 6;
// Linux interface names: at most IFNAMSIZ - 1 characters.
constexpr size_t kMaxInterfaceName = 15;

std::string item_path(const std::string& path, size_t index) { return path + "[" + std::to_string(index) + "]"; }

template <size_t N>
std::string joined(const std::array<std::string_view, N>& names) {
  std::string out;
  for (auto name : names) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

std::string interface_name(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  std::string name = yaml.string(node, path);
  if (!is_interface_name(name)) {
    yaml.fail(node, path,
              "expected an interface name such as eth0 (1 to 15 letters, digits, '-', '_' or '.'), got '" + name + "'");
  }
  return name;
}

IpPrefix prefix(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  std::string text = yaml.string(node, path);
  auto parsed = parse_ip_prefix(text);
  if (!parsed) yaml.fail(node, path, "expected an address with its prefix length, such as 10.0.2.50/24, got '" + text + "'");
  return *parsed;
}

IpAddress address(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  std::string text = yaml.string(node, path);
  auto parsed = parse_ip_address(text);
  if (!parsed) yaml.fail(node, path, "expected an IP address, got '" + text + "'");
  return *parsed;
}

RouteConfig read_route(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  yaml.expect_fields(node, path, {"network", "gateway", "metric"});
  RouteConfig route;
  YAML::Node network_node = yaml.required(node, path, "network");
  IpPrefix network = prefix(yaml, network_node, path + ".network");
  if (!(network.network() == network)) {
    yaml.fail(network_node, path + ".network",
              network.text() + " has host bits set; the network is " + network.network().text());
  }
  route.network = network.text();
  if (auto gateway_node = yaml.optional(node, "gateway")) {
    IpAddress gateway = address(yaml, *gateway_node, path + ".gateway");
    if (gateway.family != network.address.family) {
      yaml.fail(*gateway_node, path + ".gateway",
                "the gateway " + gateway.text() + " is not of the same IP version as the network " + network.text());
    }
    route.gateway = gateway.text();
  }
  if (auto metric = yaml.optional(node, "metric")) {
    route.metric = static_cast<uint32_t>(yaml.integer(*metric, path + ".metric", 0, UINT32_MAX));
  }
  return route;
}

std::vector<std::string> read_addresses(const StrictYaml& yaml, const YAML::Node& node, const std::string& list_path) {
  if (!node.IsSequence()) yaml.fail(node, list_path, "expected a list of addresses such as 10.0.2.50/24");
  std::vector<std::string> addresses;
  std::set<std::string> seen;
  for (const auto& item : node) {
    std::string at = item_path(list_path, addresses.size());
    std::string text = prefix(yaml, item, at).text();
    if (!seen.insert(text).second) yaml.fail(item, at, text + " is given twice");
    addresses.push_back(text);
  }
  return addresses;
}

std::vector<RouteConfig> read_routes(const StrictYaml& yaml, const YAML::Node& node, const std::string& list_path) {
  if (!node.IsSequence()) yaml.fail(node, list_path, "expected a list of routes ({network, gateway, metric})");
  std::vector<RouteConfig> routes;
  for (const auto& item : node) routes.push_back(read_route(yaml, item, item_path(list_path, routes.size())));
  return routes;
}

// IPv4 needs at least 68 bytes; 9216 is the largest jumbo frame NICs take.
uint32_t read_mtu(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  return static_cast<uint32_t>(yaml.integer(node, path, 68, 9216));
}

bool one_of(const std::string& value, std::initializer_list<const char*> allowed) {
  for (const char* name : allowed) {
    if (value == name) return true;
  }
  return false;
}

BondConfig read_bond(const StrictYaml& yaml, const YAML::Node& node, const std::string& path, const std::string& bond_name) {
  yaml.expect_fields(node, path, {"interfaces", "mode", "miimon", "lacpRate", "xmitHashPolicy", "primary"});
  BondConfig bond;
  std::string members_path = path + ".interfaces";
  YAML::Node members = yaml.required(node, path, "interfaces");
  if (!members.IsSequence() || members.size() == 0) {
    yaml.fail(members, members_path, "expected a list of the interfaces that make the bond, such as [eth0, eth1]");
  }
  for (const auto& item : members) {
    std::string at = item_path(members_path, bond.interfaces.size());
    std::string member = interface_name(yaml, item, at);
    if (member == bond_name) yaml.fail(item, at, "a bond cannot be a member of itself");
    if (std::find(bond.interfaces.begin(), bond.interfaces.end(), member) != bond.interfaces.end()) {
      yaml.fail(item, at, member + " is given twice");
    }
    bond.interfaces.push_back(member);
  }
  if (auto mode = yaml.optional(node, "mode")) {
    bond.mode = yaml.string(*mode, path + ".mode");
    if (!index_of(kBondModes, bond.mode)) {
      yaml.fail(*mode, path + ".mode", "expected one of " + joined(kBondModes) + ", got '" + bond.mode + "'");
    }
  }
  if (auto miimon = yaml.optional(node, "miimon")) {
    bond.miimon = static_cast<uint32_t>(yaml.integer(*miimon, path + ".miimon", 0, 60000));
  }
  if (auto rate = yaml.optional(node, "lacpRate")) {
    bond.lacp_rate = yaml.string(*rate, path + ".lacpRate");
    if (!one_of(bond.lacp_rate, {"slow", "fast"})) {
      yaml.fail(*rate, path + ".lacpRate", "expected slow or fast, got '" + bond.lacp_rate + "'");
    }
    if (bond.mode != "802.3ad") {
      yaml.fail(*rate, path + ".lacpRate", "lacpRate is for mode 802.3ad only, and this bond's mode is " + bond.mode);
    }
  }
  if (auto policy = yaml.optional(node, "xmitHashPolicy")) {
    bond.xmit_hash_policy = yaml.string(*policy, path + ".xmitHashPolicy");
    if (!index_of(kBondHashPolicies, bond.xmit_hash_policy)) {
      yaml.fail(*policy, path + ".xmitHashPolicy",
                "expected one of " + joined(kBondHashPolicies) + ", got '" + bond.xmit_hash_policy + "'");
    }
  }
  if (auto primary = yaml.optional(node, "primary")) {
    bond.primary = interface_name(yaml, *primary, path + ".primary");
    if (!one_of(bond.mode, {"active-backup", "balance-tlb", "balance-alb"})) {
      yaml.fail(*primary, path + ".primary",
                "a primary member is for modes active-backup, balance-tlb and balance-alb, and this bond's mode is " + bond.mode);
    }
    if (std::find(bond.interfaces.begin(), bond.interfaces.end(), bond.primary) == bond.interfaces.end()) {
      yaml.fail(*primary, path + ".primary", bond.primary + " is not one of this bond's interfaces");
    }
  }
  return bond;
}

VlanConfig read_vlan(const StrictYaml& yaml, const YAML::Node& node, const std::string& path, const std::string& parent) {
  yaml.expect_fields(node, path, {"vlanId", "addresses", "routes", "mtu", "dhcp"});
  VlanConfig vlan;
  vlan.vlan_id = static_cast<uint16_t>(yaml.integer(yaml.required(node, path, "vlanId"), path + ".vlanId", 1, 4094));
  if (vlan_link_name(parent, vlan.vlan_id).size() > kMaxInterfaceName) {
    yaml.fail(node, path + ".vlanId",
              "the VLAN's link " + vlan_link_name(parent, vlan.vlan_id) +
                  " would be longer than the 15 characters the kernel takes; give the parent a shorter name");
  }
  if (auto dhcp = yaml.optional(node, "dhcp")) vlan.dhcp = yaml.boolean(*dhcp, path + ".dhcp");
  if (auto addresses = yaml.optional(node, "addresses")) vlan.addresses = read_addresses(yaml, *addresses, path + ".addresses");
  if (auto routes = yaml.optional(node, "routes")) vlan.routes = read_routes(yaml, *routes, path + ".routes");
  if (auto mtu = yaml.optional(node, "mtu")) vlan.mtu = read_mtu(yaml, *mtu, path + ".mtu");
  return vlan;
}

InterfaceConfig read_interface(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  yaml.expect_fields(node, path, {"interface", "dhcp", "addresses", "routes", "mtu", "bond", "vlans"});
  InterfaceConfig interface;
  interface.interface = interface_name(yaml, yaml.required(node, path, "interface"), path + ".interface");
  if (auto bond = yaml.optional(node, "bond")) interface.bond = read_bond(yaml, *bond, path + ".bond", interface.interface);
  if (auto dhcp = yaml.optional(node, "dhcp")) interface.dhcp = yaml.boolean(*dhcp, path + ".dhcp");
  if (auto addresses = yaml.optional(node, "addresses")) {
    interface.addresses = read_addresses(yaml, *addresses, path + ".addresses");
  }
  if (auto routes = yaml.optional(node, "routes")) interface.routes = read_routes(yaml, *routes, path + ".routes");
  if (auto mtu = yaml.optional(node, "mtu")) interface.mtu = read_mtu(yaml, *mtu, path + ".mtu");
  if (auto vlans = yaml.optional(node, "vlans")) {
    std::string list_path = path + ".vlans";
    if (!vlans->IsSequence()) yaml.fail(*vlans, list_path, "expected a list of VLANs ({vlanId, addresses, routes, mtu})");
    for (const auto& item : *vlans) {
      std::string at = item_path(list_path, interface.vlans.size());
      auto vlan = read_vlan(yaml, item, at, interface.interface);
      for (const auto& other : interface.vlans) {
        if (other.vlan_id == vlan.vlan_id) yaml.fail(item, at + ".vlanId", "VLAN " + std::to_string(vlan.vlan_id) + " is given twice");
      }
      interface.vlans.push_back(std::move(vlan));
    }
  }
  return interface;
}

// What a bond's members may not be: listed with a configuration of their
// own (the bond carries their addresses), members of two bonds, or bonds
// themselves. `nodes` are the interfaces' YAML nodes, for the error's place.
void check_bond_members(const StrictYaml& yaml, const std::vector<InterfaceConfig>& interfaces,
                        const std::vector<YAML::Node>& nodes, const std::string& list_path) {
  std::map<std::string, std::string> bond_of;  // member -> bond
  for (size_t i = 0; i < interfaces.size(); ++i) {
    if (!interfaces[i].bond) continue;
    for (const auto& member : interfaces[i].bond->interfaces) {
      auto [at, fresh] = bond_of.emplace(member, interfaces[i].interface);
      if (!fresh) {
        yaml.fail(nodes[i], item_path(list_path, i) + ".bond.interfaces",
                  member + " is already a member of " + at->second + "; an interface joins one bond at most");
      }
    }
  }
  for (size_t i = 0; i < interfaces.size(); ++i) {
    auto member = bond_of.find(interfaces[i].interface);
    if (member == bond_of.end()) continue;
    yaml.fail(nodes[i], item_path(list_path, i) + ".interface",
              interfaces[i].interface + " is a member of " + member->second +
                  (interfaces[i].bond ? ", and bonds of bonds are not supported"
                                      : ", and a bond's member carries no configuration of its own: put its "
                                        "addresses, routes and VLANs on " + member->second + " and remove this entry"));
  }
}

void emit_list(YAML::Emitter& out, const char* key, const std::vector<std::string>& values) {
  if (values.empty()) return;
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const auto& value : values) out << value;
  out << YAML::EndSeq;
}

void emit_routes(YAML::Emitter& out, const std::vector<RouteConfig>& routes) {
  if (routes.empty()) return;
  out << YAML::Key << "routes" << YAML::Value << YAML::BeginSeq;
  for (const auto& route : routes) {
    out << YAML::BeginMap << YAML::Key << "network" << YAML::Value << route.network;
    if (!route.gateway.empty()) out << YAML::Key << "gateway" << YAML::Value << route.gateway;
    if (route.metric != 0) out << YAML::Key << "metric" << YAML::Value << route.metric;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

void emit_bond(YAML::Emitter& out, const BondConfig& bond) {
  out << YAML::Key << "bond" << YAML::Value << YAML::BeginMap;
  emit_list(out, "interfaces", bond.interfaces);
  out << YAML::Key << "mode" << YAML::Value << bond.mode;
  if (bond.miimon != 0) out << YAML::Key << "miimon" << YAML::Value << bond.miimon;
  if (!bond.lacp_rate.empty()) out << YAML::Key << "lacpRate" << YAML::Value << bond.lacp_rate;
  if (!bond.xmit_hash_policy.empty()) out << YAML::Key << "xmitHashPolicy" << YAML::Value << bond.xmit_hash_policy;
  if (!bond.primary.empty()) out << YAML::Key << "primary" << YAML::Value << bond.primary;
  out << YAML::EndMap;
}

void emit_vlans(YAML::Emitter& out, const std::vector<VlanConfig>& vlans) {
  if (vlans.empty()) return;
  out << YAML::Key << "vlans" << YAML::Value << YAML::BeginSeq;
  for (const auto& vlan : vlans) {
    out << YAML::BeginMap << YAML::Key << "vlanId" << YAML::Value << vlan.vlan_id;
    if (vlan.dhcp) out << YAML::Key << "dhcp" << YAML::Value << true;
    emit_list(out, "addresses", vlan.addresses);
    emit_routes(out, vlan.routes);
    if (vlan.mtu != 0) out << YAML::Key << "mtu" << YAML::Value << vlan.mtu;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

}  // namespace

NetworkConfig read_network(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  yaml.expect_fields(node, path, {"hostname", "nameservers", "searchDomains", "interfaces"});
  NetworkConfig network;
  if (auto hostname = yaml.optional(node, "hostname")) {
    network.hostname = yaml.string(*hostname, path + ".hostname");
    if (!network.hostname.empty() && !is_dns_name(network.hostname)) {
      yaml.fail(*hostname, path + ".hostname",
                "expected letters, digits, hyphens and dots, got '" + network.hostname + "'");
    }
  }
  if (auto nameservers = yaml.optional(node, "nameservers")) {
    std::string list_path = path + ".nameservers";
    network.nameservers = yaml.strings(*nameservers, list_path);
    if (network.nameservers.size() > kMaxNameservers) {
      yaml.fail(*nameservers, list_path, "at most 3 nameservers (the resolver reads no more), got " +
                                             std::to_string(network.nameservers.size()));
    }
    size_t i = 0;
    for (const auto& item : *nameservers) {
      network.nameservers[i] = address(yaml, item, item_path(list_path, i)).text();
      ++i;
    }
  }
  if (auto domains = yaml.optional(node, "searchDomains")) {
    std::string list_path = path + ".searchDomains";
    network.search_domains = yaml.strings(*domains, list_path);
    if (network.search_domains.size() > kMaxSearchDomains) {
      yaml.fail(*domains, list_path, "at most 6 search domains (the resolver reads no more), got " +
                                         std::to_string(network.search_domains.size()));
    }
    size_t i = 0;
    for (const auto& item : *domains) {
      if (!is_dns_name(network.search_domains[i])) {
        yaml.fail(item, item_path(list_path, i), "expected a DNS name, got '" + network.search_domains[i] + "'");
      }
      ++i;
    }
  }
  if (auto interfaces = yaml.optional(node, "interfaces")) {
    std::string list_path = path + ".interfaces";
    if (!interfaces->IsSequence()) yaml.fail(*interfaces, list_path, "expected a list of interfaces");
    std::set<std::string> names;
    std::vector<YAML::Node> nodes;
    for (const auto& item : *interfaces) {
      std::string at = item_path(list_path, network.interfaces.size());
      auto interface = read_interface(yaml, item, at);
      if (!names.insert(interface.interface).second) {
        yaml.fail(item, at + ".interface", interface.interface + " is configured twice");
      }
      network.interfaces.push_back(std::move(interface));
      nodes.push_back(item);
    }
    check_bond_members(yaml, network.interfaces, nodes, list_path);
    for (size_t i = 0; i < network.interfaces.size(); ++i) {
      for (const auto& vlan : network.interfaces[i].vlans) {
        std::string link = vlan_link_name(network.interfaces[i].interface, vlan.vlan_id);
        if (names.count(link)) {
          yaml.fail(nodes[i], item_path(list_path, i) + ".vlans",
                    "VLAN " + std::to_string(vlan.vlan_id) + " makes the link " + link +
                        ", which is also listed as an interface of its own");
        }
      }
    }
  }
  return network;
}

TimeConfig read_time(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  yaml.expect_fields(node, path, {"disabled", "servers", "bootTimeout"});
  TimeConfig time;
  if (auto disabled = yaml.optional(node, "disabled")) time.disabled = yaml.boolean(*disabled, path + ".disabled");
  if (auto servers = yaml.optional(node, "servers")) {
    std::string list_path = path + ".servers";
    time.servers = yaml.strings(*servers, list_path);
    size_t i = 0;
    for (const auto& item : *servers) {
      if (!parse_ip_address(time.servers[i]) && !is_dns_name(time.servers[i])) {
        yaml.fail(item, item_path(list_path, i), "expected an NTP server's name or address, got '" + time.servers[i] + "'");
      }
      ++i;
    }
  }
  if (auto timeout = yaml.optional(node, "bootTimeout")) {
    std::string text = yaml.string(*timeout, path + ".bootTimeout");
    auto seconds = parse_duration_seconds(text);
    constexpr int64_t kMaxBootTimeout = 3600;
    if (!seconds || *seconds > kMaxBootTimeout) {
      yaml.fail(*timeout, path + ".bootTimeout", "expected a duration from 0s to 1h, such as 30s or 2m, got '" + text + "'");
    }
    time.boot_timeout_seconds = static_cast<int>(*seconds);
  }
  return time;
}

std::optional<int64_t> parse_duration_seconds(const std::string& text) {
  if (text.empty() || text.size() > 16) return std::nullopt;
  int64_t total = 0;
  int64_t number = -1;
  std::string units_seen;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      number = (number < 0 ? 0 : number) * 10 + (c - '0');
      if (number > 1'000'000'000) return std::nullopt;
      continue;
    }
    int64_t scale = c == 'h' ? 3600 : c == 'm' ? 60 : c == 's' ? 1 : 0;
    // Each unit once, in the order h, m, s, each after a number.
    if (scale == 0 || number < 0 || units_seen.find(c) != std::string::npos ||
        (!units_seen.empty() && scale >= (units_seen.back() == 'h' ? 3600 : units_seen.back() == 'm' ? 60 : 1))) {
      return std::nullopt;
    }
    total += number * scale;
    units_seen += c;
    number = -1;
  }
  if (number >= 0 || units_seen.empty()) return std::nullopt;
  return total;
}

bool is_empty(const NetworkConfig& network) { return network == NetworkConfig{}; }
bool is_empty(const TimeConfig& time) { return time == TimeConfig{}; }

void emit_network(YAML::Emitter& out, const NetworkConfig& network) {
  if (is_empty(network)) return;
  out << YAML::Key << "network" << YAML::Value << YAML::BeginMap;
  if (!network.hostname.empty()) out << YAML::Key << "hostname" << YAML::Value << network.hostname;
  emit_list(out, "nameservers", network.nameservers);
  emit_list(out, "searchDomains", network.search_domains);
  if (!network.interfaces.empty()) {
    out << YAML::Key << "interfaces" << YAML::Value << YAML::BeginSeq;
    for (const auto& interface : network.interfaces) {
      out << YAML::BeginMap;
      out << YAML::Key << "interface" << YAML::Value << interface.interface;
      out << YAML::Key << "dhcp" << YAML::Value << interface.dhcp;
      emit_list(out, "addresses", interface.addresses);
      emit_routes(out, interface.routes);
      if (interface.mtu != 0) out << YAML::Key << "mtu" << YAML::Value << interface.mtu;
      if (interface.bond) emit_bond(out, *interface.bond);
      emit_vlans(out, interface.vlans);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
}

void emit_time(YAML::Emitter& out, const TimeConfig& time) {
  if (is_empty(time)) return;
  out << YAML::Key << "time" << YAML::Value << YAML::BeginMap;
  if (time.disabled) out << YAML::Key << "disabled" << YAML::Value << true;
  emit_list(out, "servers", time.servers);
  if (time.boot_timeout_seconds >= 0) {
    out << YAML::Key << "bootTimeout" << YAML::Value << std::to_string(time.boot_timeout_seconds) + "s";
  }
  out << YAML::EndMap;
}

}  // namespace bronze::config
