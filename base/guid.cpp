#include "base/guid.h"

#include <cstdio>

#include "base/sha256.h"

namespace bronze {

static std::array<uint8_t, 32> hash_parts(const std::vector<std::string>& parts) {
  Sha256 hash;
  for (const auto& part : parts) {
    // Length-prefixed, so that ("ab","c") and ("a","bc") differ.
    hash.update(std::to_string(part.size()) + ":");
    hash.update(part);
  }
  return hash.digest();
}

std::string derive_guid(const std::vector<std::string>& parts) {
  auto d = hash_parts(parts);
  d[6] = static_cast<uint8_t>((d[6] & 0x0f) | 0x50);
  d[8] = static_cast<uint8_t>((d[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out,
                "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
                d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14],
                d[15]);
  return out;
}

std::string derive_volume_id(const std::vector<std::string>& parts) {
  auto d = hash_parts(parts);
  char out[9];
  std::snprintf(out, sizeof out, "%02X%02X%02X%02X", d[0], d[1], d[2], d[3]);
  return out;
}

}  // namespace bronze
