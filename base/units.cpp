#include "base/units.h"

#include <cctype>
#include <limits>

#include "base/error.h"

namespace bronze {

uint64_t parse_size(const std::string& text) {
  size_t i = 0;
  uint64_t value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    uint64_t digit = static_cast<uint64_t>(text[i] - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) throw Error("size '" + text + "' is too large");
    value = value * 10 + digit;
    ++i;
  }
  if (i == 0) throw Error("size '" + text + "' does not start with a number (write e.g. 100MiB or 2GiB)");
  std::string unit = text.substr(i);
  uint64_t scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "KiB") scale = KiB;
  else if (unit == "MiB") scale = MiB;
  else if (unit == "GiB") scale = GiB;
  else throw Error("size '" + text + "' has unit '" + unit + "'; use B, KiB, MiB or GiB");
  if (value > std::numeric_limits<uint64_t>::max() / scale) throw Error("size '" + text + "' is too large");
  return value * scale;
}

std::string format_size(uint64_t bytes) {
  if (bytes != 0 && bytes % GiB == 0) return std::to_string(bytes / GiB) + " GiB";
  if (bytes != 0 && bytes % MiB == 0) return std::to_string(bytes / MiB) + " MiB";
  if (bytes != 0 && bytes % KiB == 0) return std::to_string(bytes / KiB) + " KiB";
  return std::to_string(bytes) + " B";
}

}  // namespace bronze
