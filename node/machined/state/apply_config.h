// A machine config applied to a node (docs/DESIGN.md decision 16 for a
// configured one). In maintenance mode: booted live from
// the ISO, the node installs itself to the disk the config names (from the
// installation template the ISO carries); booted from a disk whose STATE
// holds no config, it puts the config there. Either way the node then
// reboots into a configured system. A configured node takes a new config
// too (os:admin): it replaces STATE's config.yaml, and the node reboots
// into it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "base/error.h"
#include "node/machined/node_context.h"

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
  bool replaced = false;  // a configured node's config was replaced
};

// `install_template`: the compressed installation template of a live
// system (none on an installed node). Throws BadConfig, or Error when the
// install or the write failed.
AppliedConfig apply_machine_config(const NodeContext& node, const std::string& text,
                                   const std::optional<std::filesystem::path>& install_template);

// A configured node: the config is parsed and checked completely (BadConfig
// otherwise, and STATE is not opened for writing), then STATE's
// config.yaml is replaced so that a power cut leaves the old file or the
// new one (disk::replace_file_in_ext4). Throws Error when there is no
// boot disk or the write fails.
AppliedConfig replace_machine_config(const NodeContext& node, const std::string& text);

}  // namespace bronze::machined
