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

#include <string>

#include "node/platform/metadata_network.h"

namespace bronze::platform {

// Throws bronze::Error naming the field when the document is not what
// OpenStack writes.
MetadataNetwork read_network_data(const std::string& json, const MacLookup& interface_with_mac);

}  // namespace bronze::platform
