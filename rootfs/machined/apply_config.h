// A machine config applied to a node in maintenance mode: booted live from
// the ISO, the node installs itself to the disk the config names (from the
// installation template the ISO carries); booted from a disk whose STATE
// holds no config, it puts the config there. Either way the node then
// reboots into a configured system.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "base/error.h"
#include "rootfs/machined/node_context.h"

namespace bronze::machined {

// The config itself is at fault (it does not parse, names no disk, asks for
// what cannot be done): nothing was written.
class BadConfig : public Error {
 public:
  using Error::Error;
};

struct AppliedConfig {
  bool installed = false;  // written to `disk` from the template; false: into STATE
  std::string disk;
  std::string version;
  uint64_t disk_size = 0;
  uint64_t bytes_written = 0;
};

// `install_template`: the compressed installation template of a live
// system (none on an installed node). Throws BadConfig, or Error when the
// install or the write failed.
AppliedConfig apply_machine_config(const NodeContext& node, const std::string& text,
                                   const std::optional<std::filesystem::path>& install_template);

}  // namespace bronze::machined
