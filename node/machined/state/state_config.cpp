#include "node/machined/state/state_config.h"

#include "disk/slots/bronze_disk.h"
#include "disk/filesystems/ext4.h"

namespace bronze::machined {

std::optional<std::string> read_state_config(const std::filesystem::path& disk) {
  auto opened = installer::BronzeDisk::open(disk);
  return installer::read_from_ext4_if_present(disk, opened.partition("STATE").start, kStateConfigPath);
}

}  // namespace bronze::machined
