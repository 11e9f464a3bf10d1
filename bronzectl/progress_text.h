// How progress reads for people: sizes, rates and durations as short text.
#pragma once

#include <cstdint>
#include <string>

namespace bronze::ctl {

// "512.0 KiB", "312.0 MiB", "1.1 GiB".
std::string format_bytes(uint64_t bytes);
// "48.2 MiB/s".
std::string format_rate(double bytes_per_second);
// "0:17", "12:05", "1:02:05": what a clock shows, rounded to the second.
std::string format_duration(double seconds);

}  // namespace bronze::ctl
