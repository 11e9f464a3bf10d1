// Fuzzes the node's reading of an NTP server's reply: the first 8 bytes of
// the input are the request's cookie, the rest the reply. Only bronze::Error
// may refuse; nothing may crash, read out of bounds or overflow.

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "base/error.h"
#include "node/network/sntp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 8) return 0;
  bronze::network::NtpTimestamp cookie;
  std::memcpy(&cookie.seconds, data, 4);
  std::memcpy(&cookie.fraction, data + 4, 4);
  try {
    auto times = bronze::network::parse_reply({data + 8, size - 8}, cookie);
    auto sample = bronze::network::sample_of(1.7e9, times, 1.7e9 + 0.01);
    (void)sample;
  } catch (const bronze::Error&) {
  }
  return 0;
}
