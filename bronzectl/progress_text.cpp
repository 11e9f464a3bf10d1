#include "bronzectl/progress_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace bronze::ctl {

std::string format_bytes(uint64_t bytes) {
  constexpr uint64_t kKiB = 1024, kMiB = kKiB << 10, kGiB = kMiB << 10;
  char text[32];
  auto in = [&](uint64_t unit) { return static_cast<double>(bytes) / static_cast<double>(unit); };
  if (bytes >= kGiB) std::snprintf(text, sizeof text, "%.1f GiB", in(kGiB));
  else if (bytes >= kMiB) std::snprintf(text, sizeof text, "%.1f MiB", in(kMiB));
  else std::snprintf(text, sizeof text, "%.1f KiB", in(kKiB));
  return text;
}

std::string format_rate(double bytes_per_second) {
  return format_bytes(static_cast<uint64_t>(std::llround(std::max(bytes_per_second, 0.0)))) + "/s";
}

std::string format_duration(double seconds) {
  auto total = static_cast<long long>(std::llround(std::max(seconds, 0.0)));
  long long hours = total / 3600, minutes = total / 60 % 60, rest = total % 60;
  char text[32];
  if (hours > 0) std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", hours, minutes, rest);
  else std::snprintf(text, sizeof text, "%lld:%02lld", minutes, rest);
  return text;
}

}  // namespace bronze::ctl
