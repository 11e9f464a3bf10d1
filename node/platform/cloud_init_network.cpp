#include "node/platform/cloud_init_network.h"

#include <sys/socket.h>

#include <algorithm>
#include <map>

#include "base/error.h"
#include "base/ip_prefix.h"

namespace bronze::platform {

namespace {

bool is_digit(char c);

struct Reader {
  std::string what;

  [[noreturn]] void bad(const std::string& where, const std::string& problem) const {
    throw Error(what + ": " + where + ": " + problem);
  }

  std::string text(const YAML::Node& node, const char* key, const std::string& where) const {
    YAML::Node value = node[key];
    if (!value || value.IsNull()) return "";
    if (!value.IsScalar()) bad(where + "." + key, "expected a string");
    return value.Scalar();
  }

  std::vector<std::string> list(const YAML::Node& node, const char* key, const std::string& where) const {
    YAML::Node value = node[key];
    std::vector<std::string> out;
    if (!value || value.IsNull()) return out;
    if (value.IsScalar()) return {value.Scalar()};
    if (!value.IsSequence()) bad(where + "." + key, "expected a list");
    for (const auto& item : value) {
      if (!item.IsScalar()) bad(where + "." + key, "expected a list of strings");
      out.push_back(item.Scalar());
    }
    return out;
  }

  IpAddress address(const std::string& value, const std::string& where) const {
    auto parsed = parse_ip_address(value);
    if (!parsed) bad(where, "expected an IP address, got '" + value + "'");
    return *parsed;
  }

  // "10.0.0.5/24", or "10.0.0.5" with a netmask ("255.255.255.0" or "24").
  IpPrefix prefix(const std::string& value, const std::string& netmask, const std::string& where) const {
    if (value.find('/') != std::string::npos) {
      auto parsed = parse_ip_prefix(value);
      if (!parsed) bad(where, "expected an address with its length, got '" + value + "'");
      return *parsed;
    }
    IpAddress parsed = address(value, where);
    if (netmask.empty()) bad(where, "the address " + value + " has no prefix length or netmask");
    int max = static_cast<int>(parsed.size() * 8);
    if (std::all_of(netmask.begin(), netmask.end(), is_digit) && netmask.size() <= 3) {
      int length = std::stoi(netmask);
      if (length > max) bad(where + ".netmask", "a prefix length of " + netmask + " for " + value);
      return IpPrefix{parsed, length};
    }
    IpAddress mask = address(netmask, where + ".netmask");
    if (mask.family != parsed.family) bad(where + ".netmask", "the netmask is not of the address's IP version");
    auto length = netmask_length(netmask);
    if (!length) bad(where + ".netmask", netmask + " is not a contiguous netmask");
    return IpPrefix{parsed, *length};
  }

  config::RouteConfig route(const std::string& network, const std::string& netmask, const std::string& gateway,
                            const std::string& where) const {
    IpPrefix destination = prefix(network, netmask, where).network();
    config::RouteConfig out{destination.text(), "", 0};
    if (!gateway.empty()) {
      IpAddress via = address(gateway, where + ".gateway");
      if (via.family != destination.address.family) bad(where + ".gateway", "not of the route's IP version: " + gateway);
      out.gateway = via.text();
    }
    return out;
  }
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }


void add_unique(std::vector<std::string>& into, const std::string& value) {
  if (std::find(into.begin(), into.end(), value) == into.end()) into.push_back(value);
}

// Version 2 (netplan's shape): maps of ethernets, bonds and vlans by id,
// each with dhcp4, addresses, gateway4/6, routes, nameservers and mtu.
// A VLAN's link is named <parent>.<id> here, whatever its id in the
// document.
MetadataNetwork read_v2(const Reader& r, const YAML::Node& doc, const MacLookup& interface_with_mac) {
  MetadataNetwork out;
  auto section = [&r, &doc](const char* key) {
    YAML::Node node = doc[key];
    if (node && !node.IsNull() && !node.IsMap()) r.bad(key, "expected a map of interfaces by id");
    return node;
  };
  auto bool_field = [&r](const YAML::Node& node, const char* key, const std::string& where) {
    std::string value = r.text(node, key, where);
    if (value.empty() || value == "false" || value == "no") return false;
    if (value == "true" || value == "yes") return true;
    r.bad(where + "." + key, "expected true or false, got '" + value + "'");
  };
  // What ethernets, bonds and VLANs share; into `addresses`, `routes`, `dhcp`, `mtu`.
  auto common = [&](const YAML::Node& node, const std::string& where, std::vector<std::string>& addresses,
                    std::vector<config::RouteConfig>& routes, bool& dhcp, uint32_t& mtu) {
    dhcp = bool_field(node, "dhcp4", where);
    for (const auto& address : r.list(node, "addresses", where)) {
      IpPrefix prefix = r.prefix(address, "", where + ".addresses");
      add_unique(addresses, prefix.text());
    }
    for (const char* key : {"gateway4", "gateway6"}) {
      std::string gateway = r.text(node, key, where);
      if (!gateway.empty()) routes.push_back(r.route(key[7] == '4' ? "0.0.0.0/0" : "::/0", "", gateway, where + "." + key));
    }
    YAML::Node list = node["routes"];
    if (list && !list.IsNull() && !list.IsSequence()) r.bad(where + ".routes", "expected a list");
    size_t n = 0;
    for (const auto& route : list) {
      std::string at = where + ".routes[" + std::to_string(n++) + "]";
      if (!route.IsMap()) r.bad(at, "expected a map");
      std::string to = r.text(route, "to", at), via = r.text(route, "via", at);
      if (to == "default" || to.empty()) to = via.find(':') != std::string::npos ? "::/0" : "0.0.0.0/0";
      auto made = r.route(to, to.find('/') == std::string::npos ? (to.find(':') != std::string::npos ? "128" : "32") : "", via, at);
      if (std::string metric = r.text(route, "metric", at); !metric.empty()) {
        if (metric.size() > 9 || !std::all_of(metric.begin(), metric.end(), is_digit)) r.bad(at + ".metric", "expected a number");
        made.metric = static_cast<uint32_t>(std::stoul(metric));
      }
      routes.push_back(made);
    }
    YAML::Node servers = node["nameservers"];
    if (servers && servers.IsMap()) {
      for (const auto& server : r.list(servers, "addresses", where + ".nameservers")) {
        add_unique(out.dns_servers, r.address(server, where + ".nameservers.addresses").text());
      }
    }
    if (std::string text = r.text(node, "mtu", where); !text.empty()) {
      bool digits = text.size() <= 4 && std::all_of(text.begin(), text.end(), is_digit);
      if (!digits || std::stoi(text) < 68 || std::stoi(text) > 9216) r.bad(where + ".mtu", "expected a number from 68 to 9216");
      mtu = static_cast<uint32_t>(std::stoi(text));
    }
  };

  std::map<std::string, size_t> by_id;  // ethernet or bond id -> index into out.interfaces
  for (const auto& entry : section("ethernets")) {
    std::string id = entry.first.Scalar(), where = "ethernets." + id;
    if (!entry.second.IsMap()) r.bad(where, "expected a map");
    YAML::Node match = entry.second["match"];
    std::string mac = match && match.IsMap() ? r.text(match, "macaddress", where + ".match") : "";
    std::string name = match && match.IsMap() ? r.text(match, "name", where + ".match") : "";
    std::string found = !mac.empty() ? interface_with_mac(mac) : !name.empty() ? name : id;
    if (found.empty()) {
      out.skipped.push_back(where + ": no NIC with the MAC address " + mac + " on this machine");
      continue;
    }
    if (!config::is_interface_name(found)) r.bad(where, "expected an interface name such as eth0, got '" + found + "'");
    config::InterfaceConfig interface;
    interface.interface = found;
    common(entry.second, where, interface.addresses, interface.routes, interface.dhcp, interface.mtu);
    by_id[id] = out.interfaces.size();
    out.interfaces.push_back(interface);
  }
  std::vector<std::string> members_taken;
  for (const auto& entry : section("bonds")) {
    std::string id = entry.first.Scalar(), where = "bonds." + id;
    if (!entry.second.IsMap()) r.bad(where, "expected a map");
    if (!config::is_interface_name(id)) r.bad(where, "a bond's id is its interface name, and '" + id + "' is not one");
    config::InterfaceConfig interface;
    interface.interface = id;
    interface.bond = config::BondConfig{};
    for (const auto& member : r.list(entry.second, "interfaces", where)) {
      auto found = by_id.find(member);
      if (found == by_id.end()) {
        out.skipped.push_back(where + ": its member " + member + " is not an ethernet configured here");
        continue;
      }
      interface.bond->interfaces.push_back(out.interfaces[found->second].interface);
      members_taken.push_back(out.interfaces[found->second].interface);
    }
    if (interface.bond->interfaces.empty()) {
      out.skipped.push_back(where + ": none of its members is here");
      continue;
    }
    if (YAML::Node parameters = entry.second["parameters"]; parameters && parameters.IsMap()) {
      std::string at = where + ".parameters";
      if (std::string mode = r.text(parameters, "mode", at); !mode.empty()) {
        if (!config::index_of(config::kBondModes, mode)) r.bad(at + ".mode", "not a bond mode: '" + mode + "'");
        interface.bond->mode = mode;
      }
      if (std::string miimon = r.text(parameters, "mii-monitor-interval", at); !miimon.empty()) {
        if (miimon.size() > 5 || !std::all_of(miimon.begin(), miimon.end(), is_digit)) r.bad(at + ".mii-monitor-interval", "expected milliseconds");
        interface.bond->miimon = static_cast<uint32_t>(std::stoul(miimon));
      }
      if (std::string rate = r.text(parameters, "lacp-rate", at); !rate.empty()) {
        if (rate != "slow" && rate != "fast") r.bad(at + ".lacp-rate", "expected slow or fast");
        if (interface.bond->mode == "802.3ad") interface.bond->lacp_rate = rate;
      }
      if (std::string policy = r.text(parameters, "transmit-hash-policy", at); !policy.empty()) {
        if (!config::index_of(config::kBondHashPolicies, policy)) {
          r.bad(at + ".transmit-hash-policy", "not a hash policy: '" + policy + "'");
        }
        interface.bond->xmit_hash_policy = policy;
      }
    }
    common(entry.second, where, interface.addresses, interface.routes, interface.dhcp, interface.mtu);
    by_id[id] = out.interfaces.size();
    out.interfaces.push_back(interface);
  }
  for (const auto& entry : section("vlans")) {
    std::string id = entry.first.Scalar(), where = "vlans." + id;
    if (!entry.second.IsMap()) r.bad(where, "expected a map");
    std::string vlan_id = r.text(entry.second, "id", where), link = r.text(entry.second, "link", where);
    if (vlan_id.empty() || vlan_id.size() > 4 || !std::all_of(vlan_id.begin(), vlan_id.end(), is_digit) ||
        std::stoi(vlan_id) < 1 || std::stoi(vlan_id) > 4094) {
      r.bad(where + ".id", "expected a VLAN id from 1 to 4094");
    }
    auto parent = by_id.find(link);
    if (parent == by_id.end()) {
      out.skipped.push_back(where + ": its link " + link + " is not configured here");
      continue;
    }
    config::VlanConfig vlan;
    vlan.vlan_id = static_cast<uint16_t>(std::stoi(vlan_id));
    common(entry.second, where, vlan.addresses, vlan.routes, vlan.dhcp, vlan.mtu);
    auto& interface = out.interfaces[parent->second];
    if (config::vlan_link_name(interface.interface, vlan.vlan_id).size() > 15) {
      out.skipped.push_back(where + ": its link " + config::vlan_link_name(interface.interface, vlan.vlan_id) + " would be longer than 15 characters");
      continue;
    }
    interface.vlans.push_back(vlan);
  }
  // A bond's members carry nothing of their own (netplan lists them as
  // ethernets only to match them).
  std::erase_if(out.interfaces, [&members_taken](const config::InterfaceConfig& i) {
    return std::find(members_taken.begin(), members_taken.end(), i.interface) != members_taken.end() && !i.bond;
  });
  return out;
}

}  // namespace

MetadataNetwork read_cloud_init_network(const YAML::Node& doc, const std::string& what, const MacLookup& interface_with_mac) {
  Reader r{what};
  MetadataNetwork out;
  try {
    if (!doc.IsMap()) throw Error(what + " is not a map with version and config");
    std::string version = r.text(doc, "version", "version");
    if (version == "2") return read_v2(r, doc, interface_with_mac);
    if (version != "1") r.bad("version", "expected version 1 or 2, got '" + version + "'");
    YAML::Node entries = doc["config"];
    if (!entries || entries.IsNull()) return out;
    if (!entries.IsSequence()) r.bad("config", "expected a list");
    size_t index = 0;
    for (const auto& entry : entries) {
      std::string where = "config[" + std::to_string(index++) + "]";
      if (!entry.IsMap()) r.bad(where, "expected a map");
      std::string type = r.text(entry, "type", where);
      if (type == "nameserver") {
        for (const auto& server : r.list(entry, "address", where)) add_unique(out.dns_servers, r.address(server, where + ".address").text());
        continue;
      }
      std::string name = r.text(entry, "name", where);
      if (type != "physical") {
        out.skipped.push_back(where + " (" + type + " " + name + "): only physical interfaces are read from here");
        continue;
      }
      std::string mac = r.text(entry, "mac_address", where);
      if (mac.empty() && !config::is_interface_name(name)) r.bad(where + ".name", "expected an interface name such as eth0, got '" + name + "'");
      std::string found = mac.empty() ? name : interface_with_mac(mac);
      if (found.empty()) {
        out.skipped.push_back(where + " (" + name + "): no NIC with the MAC address " + mac + " on this machine");
        continue;
      }
      for (const auto& seen : out.interfaces) {
        if (seen.interface == found) r.bad(where, found + " is configured twice");
      }
      config::InterfaceConfig interface;
      interface.interface = found;
      if (std::string mtu = r.text(entry, "mtu", where); !mtu.empty()) {
        bool digits = mtu.size() <= 4 && std::all_of(mtu.begin(), mtu.end(), is_digit);
        if (!digits || std::stoi(mtu) < 68 || std::stoi(mtu) > 9216) r.bad(where + ".mtu", "expected a number from 68 to 9216");
        interface.mtu = static_cast<uint32_t>(std::stoi(mtu));
      }
      YAML::Node subnets = entry["subnets"];
      if (subnets && !subnets.IsNull() && !subnets.IsSequence()) r.bad(where + ".subnets", "expected a list");
      size_t s = 0;
      for (const auto& subnet : subnets) {
        std::string at = where + ".subnets[" + std::to_string(s++) + "]";
        if (!subnet.IsMap()) r.bad(at, "expected a map");
        std::string kind = r.text(subnet, "type", at);
        for (const auto& server : r.list(subnet, "dns_nameservers", at)) add_unique(out.dns_servers, r.address(server, at).text());
        if (kind == "dhcp" || kind == "dhcp4") {
          interface.dhcp = true;
          continue;
        }
        if (kind != "static" && kind != "static6") continue;  // dhcp6, ipv6_slaac...: the kernel's IPv6 autoconfiguration
        IpPrefix address = r.prefix(r.text(subnet, "address", at), r.text(subnet, "netmask", at), at);
        add_unique(interface.addresses, address.text());
        if (std::string gateway = r.text(subnet, "gateway", at); !gateway.empty()) {
          interface.routes.push_back(r.route(address.address.family == AF_INET ? "0.0.0.0/0" : "::/0", "", gateway, at));
        }
        YAML::Node routes = subnet["routes"];
        if (routes && !routes.IsNull() && !routes.IsSequence()) r.bad(at + ".routes", "expected a list");
        size_t n = 0;
        for (const auto& route : routes) {
          std::string route_at = at + ".routes[" + std::to_string(n++) + "]";
          if (!route.IsMap()) r.bad(route_at, "expected a map");
          interface.routes.push_back(r.route(r.text(route, "network", route_at), r.text(route, "netmask", route_at),
                                             r.text(route, "gateway", route_at), route_at));
        }
      }
      out.interfaces.push_back(interface);
    }
  } catch (const YAML::Exception& e) {
    throw Error(what + ": " + e.what());
  }
  return out;
}

}  // namespace bronze::platform
