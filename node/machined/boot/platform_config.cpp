#include "node/machined/boot/platform_config.h"

#include "machine_config/machine_config.h"
#include "node/machined/state/apply_config.h"

namespace bronze::machined {

std::optional<std::string> config_from_platform(NodeContext& node, platform::MetadataEnvironment& env,
                                                const platform::RetryPolicy& policy, const std::string& config_url) {
  auto source = platform::source_for(node.facts.platform, config_url);
  if (!source) {
    node.say("platform: " + node.facts.platform +
             " has no config source yet; pass bronze.config=URL, or apply a config in maintenance mode");
    return std::nullopt;
  }
  auto fetched = platform::fetch_with_retries(*source, env, policy);
  if (!fetched.config) {
    node.say("platform: no machine config from " + source->name() + " (" + fetched.failure +
             "); staying in maintenance mode");
    return std::nullopt;
  }
  const std::string& text = *fetched.config->user_data;
  try {
    apply_machine_config(node, text, std::nullopt);
  } catch (const BadConfig& e) {
    node.say("platform: the user data from " + fetched.config->source +
             " is not a valid machine config, refused whole (STATE unchanged): " + e.what() +
             "; staying in maintenance mode");
    return std::nullopt;
  } catch (const std::exception& e) {
    node.say("platform: the machine config from " + fetched.config->source + " cannot be kept in STATE: " + e.what() +
             "; staying in maintenance mode");
    return std::nullopt;
  }
  // The config's machine.network.hostname wins; the platform's fills in.
  auto config = config::parse_machine_config(text, fetched.config->source);
  if (node.hostname.empty() && config.machine.network.hostname.empty()) node.hostname = fetched.config->hostname;
  node.platform_nameservers = fetched.config->dns_servers;
  return text;
}

namespace {

std::string describe(const config::InterfaceConfig& interface) {
  std::string text = interface.interface;
  if (interface.bond) {
    text += " (bond of";
    for (const auto& member : interface.bond->interfaces) text += " " + member;
    text += ")";
  }
  if (interface.dhcp) text += " DHCP";
  for (const auto& address : interface.addresses) text += " " + address;
  for (const auto& vlan : interface.vlans) {
    text += ", " + config::vlan_link_name(interface.interface, vlan.vlan_id);
    for (const auto& address : vlan.addresses) text += " " + address;
  }
  return text;
}

}  // namespace

std::vector<config::InterfaceConfig> network_from_platform(NodeContext& node, platform::MetadataEnvironment& env,
                                                           const config::MachineConfig* config) {
  auto source = platform::source_for(node.facts.platform, "");
  if (!source) return {};
  std::optional<platform::PlatformConfig> network;
  try {
    network = source->network(env);
  } catch (const std::exception& e) {
    node.say("platform: " + source->name() + ": cannot read the network's metadata (" + e.what() +
             "); the kernel's DHCP stays");
    return {};
  }
  if (!network) return {};
  std::string said;
  for (const auto& interface : network->interfaces) said += (said.empty() ? "" : "; ") + describe(interface);
  node.say("platform: " + source->name() + ": network from " + network->source + ": " +
           (said.empty() ? std::string("no interfaces") : said) +
           (network->dns_servers.empty() ? "" : "; DNS " + network->dns_servers.front() +
                                                     (network->dns_servers.size() > 1 ? " and more" : "")));
  if (!network->dns_servers.empty()) node.platform_nameservers = network->dns_servers;
  bool config_names_host = config && !config->machine.network.hostname.empty();
  if (node.hostname.empty() && !config_names_host) node.hostname = network->hostname;
  return network->interfaces;
}

}  // namespace bronze::machined
