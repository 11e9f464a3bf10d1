// cloud-init's network config, version 1, as machine.network interfaces:
// what Hetzner Cloud's metadata (its `network-config` key) and a NoCloud
// volume's `network-config` file carry. Hetzner gives IPv4 by DHCP and the
// server's public IPv6 /64 only here, with fe80::1 as its gateway, so an
// IPv6 address on Hetzner needs this.
//
//   config:
//     - type: physical              # a NIC, found by mac_address (else name)
//       name: eth0
//       mac_address: 96:00:00:2b:2a:ff
//       mtu: 1500
//       subnets:
//         - {type: dhcp}            # dhcp, dhcp4: the kernel's DHCP;
//                                   # dhcp6, ipv6_slaac: the kernel's own
//         - type: static            # static, static6
//           address: 2a01:4f8:c17:1a5::1/64   # or address + netmask
//           gateway: fe80::1
//           dns_nameservers: [2a01:4ff:ff00::add:2]
//           routes: [{network: 10.0.0.0, netmask: 255.0.0.0, gateway: 10.0.0.1}]
//     - type: nameserver
//       address: [185.12.64.1]
//
// Other entry types (bond, vlan, bridge, route) are left out and said so.
//
// Version 2 (netplan's shape) too: `ethernets`, `bonds` and `vlans` maps by
// id, each with match {macaddress, name}, dhcp4, addresses, gateway4/6,
// routes [{to, via, metric}], nameservers {addresses}, mtu; a bond's
// interfaces and parameters {mode, mii-monitor-interval, lacp-rate,
// transmit-hash-policy}; a VLAN's id and link (its link is named
// <parent>.<id> on the node).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "node/platform/metadata_network.h"

namespace bronze::platform {

// `doc`: the map holding `version` and `config`; `what` names it in errors
// ("Hetzner's network-config"). Throws bronze::Error naming the field.
MetadataNetwork read_cloud_init_network(const YAML::Node& doc, const std::string& what, const MacLookup& interface_with_mac);

}  // namespace bronze::platform
