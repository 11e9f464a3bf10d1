// DigitalOcean's network, from the droplet's /metadata/v1.json, as Talos
// reads it: each interface (public, private) found by its MAC, with its
// static IPv4 address, its IPv6 address and the anchor address (the one a
// reserved IP is routed to); a default route through the public IPv4 and
// IPv6 gateways. The DNS servers come from `dns.nameservers`.
//
//   "interfaces": {"public": [{"mac": "04:01:2a:0f:2a:01",
//       "ipv4": {"ip_address": "104.131.20.105", "netmask": "255.255.192.0", "gateway": "104.131.0.1"},
//       "ipv6": {"ip_address": "2604:a880:800:10::17d:2001", "cidr": 64, "gateway": "2604:a880:800:10::1"},
//       "anchor_ipv4": {"ip_address": "10.17.0.5", "netmask": "255.255.0.0", "gateway": "10.17.0.1"}}],
//     "private": [{"mac": "04:01:2a:0f:2a:02", "ipv4": {...}}]}
#pragma once

#include <string>

#include "node/platform/metadata_network.h"

namespace bronze::platform {

// Throws bronze::Error naming the field when the document is not what
// DigitalOcean writes.
MetadataNetwork read_digitalocean_network(const std::string& json, const MacLookup& interface_with_mac);

}  // namespace bronze::platform
