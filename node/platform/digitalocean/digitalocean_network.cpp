#include "node/platform/digitalocean/digitalocean_network.h"

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/ip_prefix.h"

namespace bronze::platform {

namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw Error("DigitalOcean's metadata: " + where + ": " + what);
}

std::string text(const json& object, const char* key, const std::string& where) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) bad(where + "." + key, "expected a string");
  return it->get<std::string>();
}

// An address block ({ip_address, netmask | cidr, gateway}) onto `interface`;
// with `default_route`, a default route through its gateway.
void add_block(const json& block, const std::string& where, bool default_route, config::InterfaceConfig& interface) {
  if (!block.is_object()) bad(where, "expected an object");
  std::string address_text = text(block, "ip_address", where);
  auto address = parse_ip_address(address_text);
  if (!address) bad(where + ".ip_address", "not an IP address: '" + address_text + "'");
  std::optional<int> length;
  if (auto cidr = block.find("cidr"); cidr != block.end()) {
    if (!cidr->is_number_unsigned() || *cidr > address->size() * 8) bad(where + ".cidr", "expected a prefix length");
    length = cidr->get<int>();
  } else {
    length = netmask_length(text(block, "netmask", where));
    if (!length || *length > static_cast<int>(address->size() * 8)) bad(where + ".netmask", "not a netmask of the address's IP version");
  }
  interface.addresses.push_back(IpPrefix{*address, *length}.text());
  if (!default_route) return;
  std::string gateway_text = text(block, "gateway", where);
  auto gateway = parse_ip_address(gateway_text);
  if (!gateway || gateway->family != address->family) bad(where + ".gateway", "not an address of the block's IP version: '" + gateway_text + "'");
  interface.routes.push_back({address->size() == 4 ? "0.0.0.0/0" : "::/0", gateway->text(), 0});
}

}  // namespace

MetadataNetwork read_digitalocean_network(const std::string& text_json, const MacLookup& interface_with_mac) {
  auto doc = json::parse(text_json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) throw Error("DigitalOcean's metadata is not a JSON object");
  MetadataNetwork out;
  if (auto dns = doc.find("dns"); dns != doc.end() && dns->is_object()) {
    if (auto servers = dns->find("nameservers"); servers != dns->end() && servers->is_array()) {
      for (const auto& server : *servers) {
        auto parsed = server.is_string() ? parse_ip_address(server.get<std::string>()) : std::nullopt;
        if (!parsed) bad("dns.nameservers", "expected a list of IP addresses");
        out.dns_servers.push_back(parsed->text());
      }
    }
  }
  auto interfaces = doc.find("interfaces");
  if (interfaces == doc.end() || interfaces->is_null()) return out;
  if (!interfaces->is_object()) bad("interfaces", "expected an object");
  for (const char* kind : {"public", "private"}) {
    auto list = interfaces->find(kind);
    if (list == interfaces->end() || list->is_null()) continue;
    if (!list->is_array()) bad(std::string("interfaces.") + kind, "expected a list");
    for (size_t i = 0; i < list->size(); ++i) {
      std::string where = std::string("interfaces.") + kind + "[" + std::to_string(i) + "]";
      const json& nic = (*list)[i];
      if (!nic.is_object()) bad(where, "expected an object");
      std::string mac = text(nic, "mac", where);
      std::string name = interface_with_mac(mac);
      if (name.empty()) {
        out.skipped.push_back(where + ": no NIC with the MAC address " + mac + " on this machine");
        continue;
      }
      config::InterfaceConfig interface;
      interface.interface = name;
      bool is_public = std::string(kind) == "public";
      if (auto v4 = nic.find("ipv4"); v4 != nic.end()) add_block(*v4, where + ".ipv4", is_public, interface);
      if (auto v6 = nic.find("ipv6"); v6 != nic.end()) add_block(*v6, where + ".ipv6", is_public, interface);
      if (auto anchor = nic.find("anchor_ipv4"); anchor != nic.end()) add_block(*anchor, where + ".anchor_ipv4", false, interface);
      out.interfaces.push_back(interface);
    }
  }
  return out;
}

}  // namespace bronze::platform
