// EPHEMERAL holds what a node may lose: an upgrade without `preserve` wipes
// it, and the node makes it afresh.
#pragma once

#include <filesystem>

namespace bronze::machined {

// Zeroes the start of EPHEMERAL (the first MiB: every filesystem signature
// lies there). Every DiskWriter write is flushed.
void wipe_ephemeral(const std::filesystem::path& disk);

}  // namespace bronze::machined
