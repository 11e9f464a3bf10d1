#include "machine_config/network_config.h"

#include <cctype>
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

std::string interface_name(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  std::string name = yaml.string(node, path);
  bool ok = !name.empty() && name.size() <= kMaxInterfaceName && name != "." && name != "..";
  for (char c : name) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
  }
  if (!ok) {
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

InterfaceConfig read_interface(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  yaml.expect_fields(node, path, {"interface", "dhcp", "addresses", "routes", "mtu"});
  InterfaceConfig interface;
  interface.interface = interface_name(yaml, yaml.required(node, path, "interface"), path + ".interface");
  if (auto dhcp = yaml.optional(node, "dhcp")) interface.dhcp = yaml.boolean(*dhcp, path + ".dhcp");
  if (auto addresses = yaml.optional(node, "addresses")) {
    std::string list_path = path + ".addresses";
    if (!addresses->IsSequence()) yaml.fail(*addresses, list_path, "expected a list of addresses such as 10.0.2.50/24");
    std::set<std::string> seen;
    for (const auto& item : *addresses) {
      std::string at = item_path(list_path, interface.addresses.size());
      std::string text = prefix(yaml, item, at).text();
      if (!seen.insert(text).second) yaml.fail(item, at, text + " is given twice");
      interface.addresses.push_back(text);
    }
  }
  if (auto routes = yaml.optional(node, "routes")) {
    std::string list_path = path + ".routes";
    if (!routes->IsSequence()) yaml.fail(*routes, list_path, "expected a list of routes ({network, gateway, metric})");
    for (const auto& item : *routes) {
      interface.routes.push_back(read_route(yaml, item, item_path(list_path, interface.routes.size())));
    }
  }
  // IPv4 needs at least 68 bytes; 9216 is the largest jumbo frame NICs take.
  if (auto mtu = yaml.optional(node, "mtu")) interface.mtu = static_cast<uint32_t>(yaml.integer(*mtu, path + ".mtu", 68, 9216));
  return interface;
}

void emit_list(YAML::Emitter& out, const char* key, const std::vector<std::string>& values) {
  if (values.empty()) return;
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const auto& value : values) out << value;
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
    for (const auto& item : *interfaces) {
      std::string at = item_path(list_path, network.interfaces.size());
      auto interface = read_interface(yaml, item, at);
      if (!names.insert(interface.interface).second) {
        yaml.fail(item, at + ".interface", interface.interface + " is configured twice");
      }
      network.interfaces.push_back(std::move(interface));
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
      if (!interface.routes.empty()) {
        out << YAML::Key << "routes" << YAML::Value << YAML::BeginSeq;
        for (const auto& route : interface.routes) {
          out << YAML::BeginMap << YAML::Key << "network" << YAML::Value << route.network;
          if (!route.gateway.empty()) out << YAML::Key << "gateway" << YAML::Value << route.gateway;
          if (route.metric != 0) out << YAML::Key << "metric" << YAML::Value << route.metric;
          out << YAML::EndMap;
        }
        out << YAML::EndSeq;
      }
      if (interface.mtu != 0) out << YAML::Key << "mtu" << YAML::Value << interface.mtu;
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
