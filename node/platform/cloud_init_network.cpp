#include "node/platform/cloud_init_network.h"

#include <sys/socket.h>

#include <algorithm>

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
    int length = 0;
    bool zeros = false;
    for (size_t i = 0; i < mask.size(); ++i) {
      for (int bit = 7; bit >= 0; --bit) {
        bool one = (mask.bytes[i] >> bit) & 1;
        if (one && zeros) bad(where + ".netmask", netmask + " is not a contiguous netmask");
        length += one;
        zeros = zeros || !one;
      }
    }
    return IpPrefix{parsed, length};
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

bool valid_interface_name(const std::string& name) {
  return !name.empty() && name.size() <= 15 && std::all_of(name.begin(), name.end(), [](char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_' || c == '.';
  });
}

void add_unique(std::vector<std::string>& into, const std::string& value) {
  if (std::find(into.begin(), into.end(), value) == into.end()) into.push_back(value);
}

}  // namespace

MetadataNetwork read_cloud_init_network(const YAML::Node& doc, const std::string& what, const MacLookup& interface_with_mac) {
  Reader r{what};
  MetadataNetwork out;
  try {
    if (!doc.IsMap()) throw Error(what + " is not a map with version and config");
    std::string version = r.text(doc, "version", "version");
    if (version != "1") r.bad("version", "only version 1 is read here, got '" + version + "'");
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
      if (mac.empty() && !valid_interface_name(name)) r.bad(where + ".name", "expected an interface name such as eth0, got '" + name + "'");
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
