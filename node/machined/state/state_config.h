// The machine config lives in the STATE partition as config.yaml (put there
// by `imager --config` or at install). machined reads it with libext2fs,
// without mounting anything.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace bronze::machined {

constexpr const char* kStateConfigPath = "/config.yaml";

// The config's text, or nothing when STATE holds none. Throws when the disk
// has no STATE partition or it cannot be read.
std::optional<std::string> read_state_config(const std::filesystem::path& disk);

}  // namespace bronze::machined
