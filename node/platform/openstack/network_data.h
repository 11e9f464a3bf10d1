// OpenStack's network_data.json (the config drive's and the metadata
// service's openstack/latest/network_data.json) as machine.network
// interfaces, so that a node on a network without DHCP comes up with the
// addresses, routes, bonds and VLANs Nova gives it, as Talos's openstack
// platform does:
//
//   links:    {id, type, ethernet_mac_address, mtu}; type bond: bond_links,
//             bond_mode, bond_miimon; type vlan: vlan_link, vlan_id. Any
//             other type (phy, ovs, bridge, tap, vif, ...) is a NIC, found
//             by its MAC address.
//   networks: {link, type, ip_address, netmask, routes: [{network, netmask,
//             gateway}]}; type ipv4 or ipv6: static; ipv4_dhcp: the
//             kernel's DHCP; the IPv6 automatic types: the kernel's SLAAC.
//   services: [{type: dns, address}].
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "machine_config/network_config.h"

namespace bronze::platform {

struct OpenStackNetwork {
  std::vector<config::InterfaceConfig> interfaces;
  std::vector<std::string> dns_servers;
  // What was left out and why (a link whose NIC this machine lacks, DHCP
  // asked of a bond), one line each, for the log.
  std::vector<std::string> skipped;
};

// `interface_with_mac` names the NIC with a MAC address ("" when there is
// none). Throws bronze::Error naming the field when the document is not
// what OpenStack writes.
OpenStackNetwork read_network_data(const std::string& json,
                                   const std::function<std::string(const std::string& mac)>& interface_with_mac);

}  // namespace bronze::platform
