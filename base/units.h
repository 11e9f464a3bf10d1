// Sizes as people write them in platform files and on the command line.
#pragma once

#include <cstdint>
#include <string>

namespace bronze {

constexpr uint64_t KiB = 1024;
constexpr uint64_t MiB = 1024 * KiB;
constexpr uint64_t GiB = 1024 * MiB;

// "100MiB", "2GiB", "512KiB", "4096" (bytes). Throws on anything else,
// including decimal units (MB, GB), which are easy to confuse.
uint64_t parse_size(const std::string& text);
// 104857600 -> "100 MiB"; exact binary units when they divide, else bytes.
std::string format_size(uint64_t bytes);

}  // namespace bronze
