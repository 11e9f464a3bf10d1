#include "node/network/interface_merge.h"

#include <set>

namespace bronze::network {

namespace {

// Every link an interface entry makes or uses: its own name and its bond's
// members.
std::set<std::string> links_of(const config::InterfaceConfig& interface) {
  std::set<std::string> names{interface.interface};
  if (interface.bond) names.insert(interface.bond->interfaces.begin(), interface.bond->interfaces.end());
  return names;
}

}  // namespace

MergedInterfaces merge_interfaces(const std::vector<config::InterfaceConfig>& from_config,
                                  const std::vector<config::InterfaceConfig>& from_platform) {
  MergedInterfaces merged;
  merged.interfaces = from_config;
  std::set<std::string> taken;
  for (const auto& interface : from_config) {
    auto names = links_of(interface);
    taken.insert(names.begin(), names.end());
  }
  for (const auto& interface : from_platform) {
    bool clash = false;
    for (const auto& name : links_of(interface)) clash = clash || taken.count(name) > 0;
    if (clash) {
      merged.overridden.push_back(interface.interface);
      continue;
    }
    merged.interfaces.push_back(interface);
  }
  return merged;
}

}  // namespace bronze::network
