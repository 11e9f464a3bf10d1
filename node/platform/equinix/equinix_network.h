// Equinix Metal's network, from the `network` object of /metadata, as Talos
// reads it: the NICs that name a bond (by MAC) make that bond, with the
// kernel's mode numbered as `bonding.mode` numbers it (4: 802.3ad, with
// Equinix's fast LACP and layer3+4 hashing); each enabled address goes on
// the bond, with a default route through the public IPv4 and IPv6
// gateways and 10.0.0.0/8 through the private one, Equinix's own layout:
//
//   "network": {
//     "bonding": {"mode": 4},
//     "interfaces": [{"name": "eth0", "mac": "b8:59:9f:e0:f6:8c", "bond": "bond0"}, ...],
//     "addresses": [{"address_family": 4, "public": true, "address": "147.75.84.95",
//                    "cidr": 31, "gateway": "147.75.84.94", "enabled": true}, ...]
//   }
#pragma once

#include <string>

#include "node/platform/metadata_network.h"

namespace bronze::platform {

// Throws bronze::Error naming the field when /metadata is not what Equinix
// writes.
MetadataNetwork read_equinix_network(const std::string& json, const MacLookup& interface_with_mac);

}  // namespace bronze::platform
