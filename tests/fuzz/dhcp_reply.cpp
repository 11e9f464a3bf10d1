// Fuzzes the node's reading of a DHCP server's answer. The input is the
// packet; its own transaction id and client address are taken as ours, so
// that the options past the header are read too. Only bronze::Error may
// refuse; nothing may crash or read out of bounds.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include "base/error.h"
#include "node/network/dhcp_packet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint32_t xid = 0;
  std::array<uint8_t, 6> mac{};
  if (size >= 34) {
    xid = (uint32_t{data[4]} << 24) | (uint32_t{data[5]} << 16) | (uint32_t{data[6]} << 8) | data[7];
    std::copy(data + 28, data + 34, mac.begin());
  }
  try {
    auto reply = bronze::network::parse_dhcp_reply({data, size}, xid, mac);
    (void)bronze::network::ipv4_text(reply.lease.address);
  } catch (const bronze::Error&) {
  }
  return 0;
}
