// Compresses a finished output as one stream (libarchive's raw format
// writer with a zstd, xz or gzip filter). No file name and no time go into
// the stream, so equal inputs give equal bytes.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace bronze::imager {

// `compression`: zstd, xz or gz; `level`: none for the filter's default.
void compress_file(const std::filesystem::path& in, const std::filesystem::path& out, const std::string& compression,
                   std::optional<int> level = std::nullopt);

}  // namespace bronze::imager
