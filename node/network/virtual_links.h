// The links machine.network makes rather than finds: bonds of NICs and
// 802.1Q VLANs, created through rtnetlink. Addresses and routes on them are
// link_config's, as on any other link.
#pragma once

#include <netlink/socket.h>

#include <string>

#include "machine_config/network_config.h"

namespace bronze::network {

// The bond `name` with `bond`'s mode and options, made or (when the kernel
// made it already: the bonding driver creates bond0 when it loads)
// changed; down and without members, as the kernel requires for a mode
// change. Returns its ifindex.
int make_bond(nl_sock* socket, const std::string& name, const config::BondConfig& bond);

// `member` (down first, as the kernel requires) into the bond.
void join_bond(nl_sock* socket, int bond_ifindex, int member_ifindex, const std::string& member);

// The VLAN link `name` carrying `vlan_id` on the parent. Returns its ifindex.
int make_vlan(nl_sock* socket, const std::string& name, int parent_ifindex, uint16_t vlan_id);

}  // namespace bronze::network
