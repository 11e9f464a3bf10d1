#include "node/platform/equinix/equinix_network.h"

#include <sys/socket.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/ip_prefix.h"

namespace bronze::platform {

namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw Error("Equinix Metal's /metadata: network." + where + ": " + what);
}

std::string text(const json& object, const char* key, const std::string& where) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) bad(where + "." + key, "expected a string");
  return it->get<std::string>();
}

bool flag(const json& object, const char* key, bool otherwise, const std::string& where) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return otherwise;
  if (!it->is_boolean()) bad(where + "." + key, "expected true or false");
  return it->get<bool>();
}

// The kernel's bonding modes by the numbers the kernel also takes
// (Equinix's `bonding.mode`).
std::string bond_mode(const json& bonding) {
  auto mode = bonding.find("mode");
  if (mode == bonding.end()) return "802.3ad";  // Equinix's bonded servers
  if (!mode->is_number_unsigned() || *mode >= config::kBondModes.size()) bad("bonding.mode", "expected a bonding mode from 0 to 6");
  return std::string(config::kBondModes[mode->get<size_t>()]);
}

}  // namespace

MetadataNetwork read_equinix_network(const std::string& text_json, const MacLookup& interface_with_mac) {
  auto doc = json::parse(text_json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) throw Error("Equinix Metal's /metadata is not a JSON object");
  MetadataNetwork out;
  auto network = doc.find("network");
  if (network == doc.end() || network->is_null()) return out;
  if (!network->is_object()) throw Error("Equinix Metal's /metadata: network: expected an object");
  json bonding = network->value("bonding", json::object());
  if (!bonding.is_object()) bad("bonding", "expected an object");

  // The bonds, in the order their first NIC comes.
  std::vector<config::InterfaceConfig> bonds;
  json nics = network->value("interfaces", json::array());
  if (!nics.is_array()) bad("interfaces", "expected a list");
  for (size_t i = 0; i < nics.size(); ++i) {
    std::string where = "interfaces[" + std::to_string(i) + "]";
    if (!nics[i].is_object()) bad(where, "expected an object");
    std::string mac = text(nics[i], "mac", where);
    auto bond_name = nics[i].find("bond");
    if (bond_name == nics[i].end() || bond_name->is_null()) {
      out.skipped.push_back(where + " (" + mac + "): in no bond (Equinix's layer-2 modes are not read here)");
      continue;
    }
    if (!bond_name->is_string()) bad(where + ".bond", "expected a string");
    std::string nic = interface_with_mac(mac);
    if (nic.empty()) {
      out.skipped.push_back(where + ": no NIC with the MAC address " + mac + " on this machine");
      continue;
    }
    auto bond = std::find_if(bonds.begin(), bonds.end(), [&](const auto& b) { return b.interface == bond_name->get<std::string>(); });
    if (bond == bonds.end()) {
      config::InterfaceConfig made;
      made.interface = bond_name->get<std::string>();
      if (made.interface.empty() || made.interface.size() > 15) bad(where + ".bond", "not an interface name: '" + made.interface + "'");
      made.bond = config::BondConfig{};
      made.bond->mode = bond_mode(bonding);
      made.bond->miimon = 100;
      if (made.bond->mode == "802.3ad") {
        made.bond->lacp_rate = "fast";
        made.bond->xmit_hash_policy = "layer3+4";
      }
      bonds.push_back(made);
      bond = bonds.end() - 1;
    }
    bond->bond->interfaces.push_back(nic);
  }
  if (bonds.empty()) return out;

  // Every address on the first bond, as Equinix's own images put them.
  auto& bond = bonds.front();
  json addresses = network->value("addresses", json::array());
  if (!addresses.is_array()) bad("addresses", "expected a list");
  for (size_t i = 0; i < addresses.size(); ++i) {
    std::string where = "addresses[" + std::to_string(i) + "]";
    const json& a = addresses[i];
    if (!a.is_object()) bad(where, "expected an object");
    if (!flag(a, "enabled", true, where)) continue;
    auto cidr = a.find("cidr");
    if (cidr == a.end() || !cidr->is_number_unsigned()) bad(where + ".cidr", "expected a prefix length");
    std::string address = text(a, "address", where);
    auto prefix = parse_ip_prefix(address + "/" + std::to_string(cidr->get<uint64_t>()));
    if (!prefix) bad(where, "not an address with its prefix length: " + address + "/" + std::to_string(cidr->get<uint64_t>()));
    bond.addresses.push_back(prefix->text());
    std::string gateway_text = text(a, "gateway", where);
    auto gateway = parse_ip_address(gateway_text);
    if (!gateway || gateway->family != prefix->address.family) bad(where + ".gateway", "not an address of the address's IP version: " + gateway_text);
    bool is_public = flag(a, "public", false, where);
    if (prefix->address.family == AF_INET) {
      bond.routes.push_back({is_public ? "0.0.0.0/0" : "10.0.0.0/8", gateway->text(), 0});
    } else if (is_public) {
      bond.routes.push_back({"::/0", gateway->text(), 0});
    }
  }
  out.interfaces = std::move(bonds);
  return out;
}

}  // namespace bronze::platform
