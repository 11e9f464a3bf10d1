// Finding the kernel config a kernel image carries (CONFIG_IKCONFIG): a gzip
// stream between the markers "IKCFG_ST" and "IKCFG_ED", either directly in the
// image (vmlinux, arm64 Image) or inside its compressed payload (bzImage,
// EFI zboot images, compressed with gzip, xz, lzma, zstd, bzip2 or lz4).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bronze::kspp {

// True for text that reads like a .config (has CONFIG_ lines, no NUL bytes).
bool looks_like_config(std::string_view data);

// The config text embedded in `image`, or nullopt when there is none.
std::optional<std::string> extract_ikconfig(std::string_view image);

}  // namespace bronze::kspp
