#include "node/machined/state/state_config.h"

#include "disk/filesystems/ext4.h"
#include "disk/slots/bronze_disk.h"

namespace bronze::machined {

std::optional<std::string> read_state_config(const std::filesystem::path& disk) {
  auto opened = disk::BronzeDisk::open(disk);
  return disk::read_from_ext4_if_present(disk, opened.partition("STATE").start, kStateConfigPath);
}

}  // namespace bronze::machined
