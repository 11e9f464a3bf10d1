// What a platform's network metadata comes to, whatever its format
// (OpenStack's network_data.json, cloud-init's network config, Equinix
// Metal's /metadata): machine.network interfaces for the NICs this machine
// has, DNS servers, and what was left out.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "machine_config/network_config.h"

namespace bronze::platform {

struct MetadataNetwork {
  std::vector<config::InterfaceConfig> interfaces;
  std::vector<std::string> dns_servers;
  // What was left out and why (a link whose NIC this machine lacks, DHCP
  // asked of a bond), one line each, for the log.
  std::vector<std::string> skipped;
};

// The name of this machine's NIC with a MAC address, "" when it has none
// (MetadataEnvironment::interface_with_mac on a node).
using MacLookup = std::function<std::string(const std::string& mac)>;

}  // namespace bronze::platform
