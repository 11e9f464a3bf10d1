#include "node/machined/boot/network_setup.h"

#include <algorithm>
#include <memory>
#include <sstream>

#include "base/files.h"
#include "base/ip_prefix.h"
#include "node/network/interface_merge.h"
#include "node/network/link_config.h"
#include "node/network/resolv_conf.h"
#include "node/network/time_sync.h"

namespace bronze::machined {

namespace {

// NTP servers the kernel's DHCP was given (option 42), one per line.
constexpr const char* kKernelDhcpNtpServers = "/proc/net/ipconfig/ntp_servers";
// How long network interfaces named in the config may take to appear.
constexpr auto kWaitForLinks = std::chrono::seconds(10);
// How long the boot waits for the first sync from servers someone named
// (the config or DHCP), unless machine.time.bootTimeout says otherwise.
constexpr int kDefaultBootTimeoutSeconds = 30;

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : ", ") + word;
  return out;
}

// Our own DHCP client's answers (interfaces the kernel's DHCP did not serve).
std::vector<std::string> g_dhcp_nameservers;
std::vector<std::string> g_dhcp_ntp_servers;

void add_missing(std::vector<std::string>& into, const std::vector<std::string>& more) {
  for (const auto& item : more) {
    if (std::find(into.begin(), into.end(), item) == into.end()) into.push_back(item);
  }
}

std::vector<std::string> dhcp_ntp_servers() {
  std::vector<std::string> servers = g_dhcp_ntp_servers;
  std::istringstream lines(read_file_or_empty(kKernelDhcpNtpServers));
  std::string line;
  while (std::getline(lines, line)) {
    if (parse_ip_address(line) && line != "0.0.0.0") add_missing(servers, {line});
  }
  return servers;
}

void write_resolvers(NodeContext& node, const config::MachineConfig* config) {
  auto dhcp = network::resolvers_from_kernel_dhcp(read_file_or_empty(network::kKernelDhcpAnswer));
  add_missing(dhcp.nameservers, g_dhcp_nameservers);
  if (!g_dhcp_nameservers.empty()) dhcp.source = "DHCP";
  std::vector<std::string> none;
  auto chosen = network::choose_resolvers(config ? config->machine.network.nameservers : none,
                                          config ? config->machine.network.search_domains : none,
                                          node.platform_nameservers, dhcp);
  try {
    network::write_resolv_conf(network::kResolvConf, chosen);
  } catch (const std::exception& e) {
    node.say(std::string("network: cannot write resolv.conf: ") + e.what() + "; names will not resolve");
    return;
  }
  if (chosen.nameservers.empty()) {
    node.say("network: resolv.conf: no nameserver known (none in the machine config, the platform or DHCP); names "
             "will not resolve");
  } else {
    node.say("network: resolv.conf: nameserver " + joined(chosen.nameservers) +
             (chosen.search.empty() ? "" : "; search " + joined(chosen.search)) + " (from " + chosen.source + ")");
  }
}

void start_time_sync(NodeContext& node, const config::MachineConfig* config, const std::function<void()>& tick) {
  // One sync for the life of the node (machined is PID 1 and never returns).
  static std::unique_ptr<network::TimeSync> sync;
  if (config && config->machine.time.disabled) {
    node.say("time: NTP is off (machine.time.disabled); the clock is the firmware's");
    return;
  }
  std::vector<std::string> servers;
  std::string source;
  if (config && !config->machine.time.servers.empty()) {
    servers = config->machine.time.servers;
    source = "the machine config";
  } else if (auto from_dhcp = dhcp_ntp_servers(); !from_dhcp.empty()) {
    servers = from_dhcp;
    source = "DHCP";
  } else {
    servers = {config::kDefaultTimeServer};
    source = "the default";
  }
  int wait = source == "the default" ? 0 : kDefaultBootTimeoutSeconds;
  if (config && config->machine.time.boot_timeout_seconds >= 0) wait = config->machine.time.boot_timeout_seconds;
  sync = std::make_unique<network::TimeSync>(servers, network::system_clock(),
                                             [&node](const std::string& line) { node.say(line); });
  sync->start();
  node.say("time: NTP from " + joined(servers) + " (" + source + ")" +
           (wait > 0 ? "; the boot waits up to " + std::to_string(wait) + " s for the first sync" : ""));
  if (wait > 0 && !sync->wait_synced(std::chrono::seconds(wait), tick)) {
    node.say("time: no sync within " + std::to_string(wait) +
             " s; the boot goes on with the firmware's clock, and the sync keeps trying");
  }
}

}  // namespace

void set_up_network(NodeContext& node, const config::MachineConfig* config,
                    const std::vector<config::InterfaceConfig>& platform_interfaces, const std::function<void()>& tick) {
  std::vector<config::InterfaceConfig> none;
  auto merged = network::merge_interfaces(config ? config->machine.network.interfaces : none, platform_interfaces);
  for (const auto& name : merged.overridden) {
    node.say("network: " + name + ": the machine config's interfaces replace what the platform says of it");
  }
  auto report = network::configure_interfaces(merged.interfaces, kWaitForLinks, tick,
                                              [&node](const std::string& line) { node.say(line); });
  for (const auto& line : report.done) node.say(line);
  for (const auto& line : report.problems) node.say(line);
  g_dhcp_nameservers = report.dhcp_nameservers;
  g_dhcp_ntp_servers = report.dhcp_ntp_servers;
  write_resolvers(node, config);
  start_time_sync(node, config, tick);
}

}  // namespace bronze::machined
