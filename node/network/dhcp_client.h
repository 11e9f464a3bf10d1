// A DHCPv4 client for the interfaces the kernel's ip=dhcp does not serve:
// a second NIC, a bond, a VLAN. One exchange (DISCOVER, OFFER, REQUEST,
// ACK) over a UDP socket bound to the interface, whose broadcast answers
// the kernel delivers before the interface has an address; then the lease
// is renewed the same way at half its time, for as long as the node runs.
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <string>

#include "node/network/dhcp_packet.h"

namespace bronze::network {

// The lease for `interface` (up, with the hardware address `mac`), trying
// DISCOVER up to 4 times over `timeout`; throws bronze::Error saying what
// was tried when no server answered, or a NAK. `tick` feeds the watchdog.
DhcpLease acquire_lease(const std::string& interface, const std::array<uint8_t, 6>& mac, std::chrono::seconds timeout,
                        const std::function<void()>& tick, uint16_t server_port = kDhcpServerPort,
                        uint16_t client_port = kDhcpClientPort);

}  // namespace bronze::network
