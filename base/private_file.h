// Files that hold private keys: created mode 0600 from the start (never
// briefly readable by others) and flushed to disk before anyone renames them
// into place.
#pragma once

#include <filesystem>
#include <string_view>

namespace bronze {

// Creates `path`, which must not exist, with mode 0600, writes and fsyncs.
void write_private_file(const std::filesystem::path& path, std::string_view data);

}  // namespace bronze
