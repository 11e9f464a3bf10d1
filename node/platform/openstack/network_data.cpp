#include "node/platform/openstack/network_data.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "base/error.h"
#include "base/ip_prefix.h"

namespace bronze::platform {

namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw Error("OpenStack's network_data.json: " + where + ": " + what);
}

std::string text_field(const json& object, const char* key, const std::string& where, bool required = true) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    if (required) bad(where, std::string("no ") + key);
    return "";
  }
  if (!it->is_string()) bad(where + "." + key, "expected a string");
  return it->get<std::string>();
}

int mask_length(const std::string& mask, const std::string& where) {
  auto parsed = parse_ip_address(mask);
  if (!parsed) bad(where, "expected a netmask such as 255.255.255.0, got '" + mask + "'");
  auto length = netmask_length(mask);
  if (!length) bad(where, mask + " is not a contiguous netmask");
  return *length;
}

// An address and its netmask (or an address that carries its length, as
// some IPv6 networks write it) as a prefix: "10.0.2.60/24".
IpPrefix prefix_of(const std::string& address, const std::string& netmask, const std::string& where) {
  if (address.find('/') != std::string::npos) {
    auto parsed = parse_ip_prefix(address);
    if (!parsed) bad(where, "expected an address with its length, got '" + address + "'");
    return *parsed;
  }
  auto parsed = parse_ip_address(address);
  if (!parsed) bad(where, "expected an IP address, got '" + address + "'");
  if (netmask.empty()) bad(where, "the address " + address + " has no netmask");
  int length = mask_length(netmask, where + ".netmask");
  if (length > static_cast<int>(parsed->size() * 8)) bad(where, "the netmask " + netmask + " is not of " + address + "'s IP version");
  return IpPrefix{*parsed, length};
}

config::RouteConfig route_of(const json& route, const std::string& where) {
  if (!route.is_object()) bad(where, "expected an object");
  IpPrefix network = prefix_of(text_field(route, "network", where), text_field(route, "netmask", where), where).network();
  config::RouteConfig out;
  out.network = network.text();
  std::string gateway = text_field(route, "gateway", where, false);
  if (!gateway.empty()) {
    auto parsed = parse_ip_address(gateway);
    if (!parsed || parsed->family != network.address.family) {
      bad(where + ".gateway", "expected an address of the route's IP version, got '" + gateway + "'");
    }
    out.gateway = parsed->text();
  }
  return out;
}


struct Link {
  std::string where;  // "links[2]", for errors
  std::string id, type, mac;
  uint32_t mtu = 0;
  std::vector<std::string> bond_links;
  std::string bond_mode;
  uint32_t bond_miimon = 0;
  std::string vlan_link;
  uint16_t vlan_id = 0;
};

Link read_link(const json& link, const std::string& where) {
  if (!link.is_object()) bad(where, "expected an object");
  Link out;
  out.where = where;
  out.id = text_field(link, "id", where);
  out.type = text_field(link, "type", where, false);
  if (auto mtu = link.find("mtu"); mtu != link.end() && !mtu->is_null()) {
    if (!mtu->is_number_unsigned() || *mtu < 68 || *mtu > 9216) bad(where + ".mtu", "expected a number from 68 to 9216");
    out.mtu = mtu->get<uint32_t>();
  }
  if (out.type == "bond") {
    auto members = link.find("bond_links");
    if (members == link.end() || !members->is_array() || members->empty()) bad(where + ".bond_links", "expected a list of link ids");
    for (const auto& member : *members) {
      if (!member.is_string()) bad(where + ".bond_links", "expected a list of link ids");
      out.bond_links.push_back(member.get<std::string>());
    }
    out.bond_mode = text_field(link, "bond_mode", where, false);
    if (out.bond_mode.empty()) out.bond_mode = "balance-rr";
    if (!config::index_of(config::kBondModes, out.bond_mode)) {
      bad(where + ".bond_mode", "not a bond mode the kernel has: '" + out.bond_mode + "'");
    }
    if (auto miimon = link.find("bond_miimon"); miimon != link.end() && !miimon->is_null()) {
      if (!miimon->is_number_unsigned() || *miimon > 60000) bad(where + ".bond_miimon", "expected milliseconds, 0 to 60000");
      out.bond_miimon = miimon->get<uint32_t>();
    }
  } else if (out.type == "vlan") {
    out.vlan_link = text_field(link, "vlan_link", where);
    auto id = link.find("vlan_id");
    if (id == link.end() || !id->is_number_unsigned() || *id < 1 || *id > 4094) bad(where + ".vlan_id", "expected a number from 1 to 4094");
    out.vlan_id = id->get<uint16_t>();
  } else {
    out.mac = text_field(link, "ethernet_mac_address", where, false);
  }
  return out;
}

// Where a link's networks go: an interface (a NIC or a bond), or a VLAN on one.
struct Target {
  size_t interface = 0;
  std::optional<size_t> vlan;
};

void add_network(const json& network, const std::string& where, const std::map<std::string, Target>& targets,
                 MetadataNetwork& out) {
  if (!network.is_object()) bad(where, "expected an object");
  std::string link = text_field(network, "link", where);
  std::string type = text_field(network, "type", where);
  auto target = targets.find(link);
  if (target == targets.end()) {
    out.skipped.push_back("network " + where + " (" + type + "): its link " + link + " is not configured here");
    return;
  }
  auto& interface = out.interfaces[target->second.interface];
  if (type == "ipv4_dhcp") {
    (target->second.vlan ? interface.vlans[*target->second.vlan].dhcp : interface.dhcp) = true;
    return;
  }
  if (type != "ipv4" && type != "ipv6") return;  // ipv6_slaac, ipv6_dhcp...: the kernel's own IPv6 autoconfiguration
  IpPrefix address = prefix_of(text_field(network, "ip_address", where), text_field(network, "netmask", where, false), where);
  std::vector<config::RouteConfig> routes;
  if (auto list = network.find("routes"); list != network.end() && !list->is_null()) {
    if (!list->is_array()) bad(where + ".routes", "expected a list");
    size_t i = 0;
    for (const auto& route : *list) routes.push_back(route_of(route, where + ".routes[" + std::to_string(i++) + "]"));
  }
  auto& addresses = target->second.vlan ? interface.vlans[*target->second.vlan].addresses : interface.addresses;
  auto& into_routes = target->second.vlan ? interface.vlans[*target->second.vlan].routes : interface.routes;
  if (std::find(addresses.begin(), addresses.end(), address.text()) == addresses.end()) addresses.push_back(address.text());
  into_routes.insert(into_routes.end(), routes.begin(), routes.end());
}

}  // namespace

MetadataNetwork read_network_data(const std::string& text, const MacLookup& interface_with_mac) {
  auto doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) throw Error("OpenStack's network_data.json is not a JSON object");
  auto list = [&doc](const char* key) {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) return json::array();
    if (!it->is_array()) bad(key, "expected a list");
    return *it;
  };
  MetadataNetwork out;

  std::vector<Link> links;
  std::map<std::string, size_t> by_id;
  for (const auto& link : list("links")) {
    links.push_back(read_link(link, "links[" + std::to_string(links.size()) + "]"));
    if (!by_id.emplace(links.back().id, links.size() - 1).second) bad(links.back().where, "the id " + links.back().id + " is given twice");
  }
  std::map<std::string, std::string> nic_name;  // link id -> the NIC's name here
  std::map<std::string, std::string> bond_of;   // member link id -> bond link id
  for (const auto& link : links) {
    if (link.type == "vlan") continue;
    if (link.type == "bond") {
      for (const auto& member : link.bond_links) {
        auto found = by_id.find(member);
        if (found == by_id.end() || !links[found->second].mac.size()) {
          bad(link.where + ".bond_links", "'" + member + "' is not a NIC of this document");
        }
        if (!bond_of.emplace(member, link.id).second) bad(link.where + ".bond_links", member + " is in two bonds");
      }
      continue;
    }
    std::string name = link.mac.empty() ? "" : interface_with_mac(link.mac);
    if (name.empty()) {
      out.skipped.push_back("link " + link.id + ": no NIC with the MAC address " + link.mac + " on this machine");
    } else {
      nic_name[link.id] = name;
    }
  }

  std::map<std::string, Target> targets;
  for (const auto& link : links) {
    if (link.type == "vlan" || bond_of.count(link.id)) continue;
    config::InterfaceConfig interface;
    interface.mtu = link.mtu;
    if (link.type == "bond") {
      config::BondConfig bond;
      bond.mode = link.bond_mode;
      bond.miimon = link.bond_miimon;
      for (const auto& member : link.bond_links) {
        if (auto name = nic_name.find(member); name != nic_name.end()) bond.interfaces.push_back(name->second);
      }
      if (bond.interfaces.empty()) {
        out.skipped.push_back("link " + link.id + ": none of the bond's NICs is on this machine");
        continue;
      }
      interface.interface = config::is_interface_name(link.id) ? link.id : "bond" + std::to_string(targets.size());
      interface.bond = bond;
    } else {
      auto name = nic_name.find(link.id);
      if (name == nic_name.end()) continue;  // said above
      interface.interface = name->second;
    }
    out.interfaces.push_back(interface);
    targets[link.id] = Target{out.interfaces.size() - 1, std::nullopt};
  }
  for (const auto& link : links) {
    if (link.type != "vlan") continue;
    auto parent = targets.find(link.vlan_link);
    if (parent == targets.end() || parent->second.vlan) {
      out.skipped.push_back("link " + link.id + ": VLAN " + std::to_string(link.vlan_id) + " on " + link.vlan_link +
                            ", which is not configured here");
      continue;
    }
    auto& interface = out.interfaces[parent->second.interface];
    if (config::vlan_link_name(interface.interface, link.vlan_id).size() > 15) {
      out.skipped.push_back("link " + link.id + ": the VLAN's link " + config::vlan_link_name(interface.interface, link.vlan_id) +
                            " would be longer than the 15 characters the kernel takes");
      continue;
    }
    config::VlanConfig vlan;
    vlan.vlan_id = link.vlan_id;
    vlan.mtu = link.mtu;
    interface.vlans.push_back(vlan);
    targets[link.id] = Target{parent->second.interface, interface.vlans.size() - 1};
  }

  size_t index = 0;
  for (const auto& network : list("networks")) add_network(network, "networks[" + std::to_string(index++) + "]", targets, out);
  for (const auto& service : list("services")) {
    if (!service.is_object() || text_field(service, "type", "services", false) != "dns") continue;
    std::string address = text_field(service, "address", "services");
    auto parsed = parse_ip_address(address);
    if (!parsed) bad("services", "a DNS server that is not an IP address: '" + address + "'");
    out.dns_servers.push_back(parsed->text());
  }
  return out;
}

}  // namespace bronze::platform
