#include "node/network/resolv_conf.h"

#include <sstream>

#include "base/files.h"
#include "base/ip_prefix.h"

namespace bronze::network {

ResolverSettings resolvers_from_kernel_dhcp(std::string_view pnp) {
  ResolverSettings settings;
  settings.source = "the kernel's DHCP answer";
  std::istringstream lines{std::string(pnp)};
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string key, value;
    words >> key >> value;
    // The kernel writes 0.0.0.0 for a nameserver slot DHCP left empty.
    if (key == "nameserver" && parse_ip_address(value) && value != "0.0.0.0") settings.nameservers.push_back(value);
    if (key == "domain" && !value.empty()) settings.search.push_back(value);
  }
  return settings;
}

ResolverSettings choose_resolvers(const std::vector<std::string>& config_nameservers,
                                  const std::vector<std::string>& config_search,
                                  const std::vector<std::string>& platform_nameservers, const ResolverSettings& dhcp) {
  ResolverSettings chosen;
  if (!config_nameservers.empty()) {
    chosen.nameservers = config_nameservers;
    chosen.source = "the machine config";
  } else if (!platform_nameservers.empty()) {
    chosen.nameservers = platform_nameservers;
    chosen.source = "the platform's metadata";
  } else {
    chosen.nameservers = dhcp.nameservers;
    chosen.source = dhcp.source;
  }
  chosen.search = config_search.empty() ? dhcp.search : config_search;
  return chosen;
}

std::string render_resolv_conf(const ResolverSettings& settings) {
  std::string text = "# Written by machined from " + settings.source + ".\n";
  for (const auto& server : settings.nameservers) text += "nameserver " + server + "\n";
  if (!settings.search.empty()) {
    text += "search";
    for (const auto& domain : settings.search) text += " " + domain;
    text += "\n";
  }
  return text;
}

void write_resolv_conf(const std::filesystem::path& path, const ResolverSettings& settings) {
  std::filesystem::path staged = path;
  staged += ".new";
  write_file(staged, render_resolv_conf(settings));
  std::filesystem::rename(staged, path);
}

}  // namespace bronze::network
