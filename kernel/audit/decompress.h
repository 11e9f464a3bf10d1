// Decompressing one stream that starts at the first byte of a buffer and is
// followed by other bytes, as a kernel's payload is: each format's own library
// decodes up to the end of its stream and the rest is ignored.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace bronze::kspp {

// Says, after each chunk of output, whether the caller has what it wants.
using EnoughOutput = std::function<bool(const std::string& output_so_far)>;

// The decompressed bytes (possibly truncated at `limit`, or where `enough`
// said stop, or where corrupt data began), or nullopt when no supported
// format (gzip, xz, lzma, zstd, bzip2, lz4) starts at data[0] or nothing decodes.
std::optional<std::string> decompress_prefix(std::string_view data, size_t limit, const EnoughOutput& enough = {});

}  // namespace bronze::kspp
