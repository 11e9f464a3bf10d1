// machine.network.interfaces applied to the kernel's links through
// rtnetlink (libnl-route): a bond made of its members first; the link up
// with its MTU; with dhcp: false, what the kernel's DHCP put on it removed;
// then the static addresses and routes; then its VLANs, each a link of its
// own configured the same way. Unlisted interfaces keep what ip=dhcp gave
// them.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "machine_config/network_config.h"

namespace bronze::network {

struct LinkReport {
  std::vector<std::string> done;      // one line per step, for the log
  std::vector<std::string> problems;  // one per interface that could not be configured whole
  // What the leases of our own DHCP client gave (node/network/dhcp_client.h).
  std::vector<std::string> dhcp_nameservers;
  std::vector<std::string> dhcp_ntp_servers;
};

// Each interface in turn; a failure is reported and the next interface is
// still configured, so that one missing NIC does not cut the node off.
// Waits up to `wait_for_links` for each interface to appear (drivers probe
// late), calling `tick` (the watchdog) meanwhile.
// An interface with dhcp: true that the kernel's DHCP did not configure (a
// second NIC, a bond, a VLAN) gets a lease from our own client, renewed at
// half its time in the background; `say` logs the renewals.
LinkReport configure_interfaces(const std::vector<config::InterfaceConfig>& interfaces,
                                std::chrono::seconds wait_for_links, const std::function<void()>& tick,
                                const std::function<void(const std::string&)>& say = {});

}  // namespace bronze::network
