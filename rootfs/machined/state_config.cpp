#include "rootfs/machined/state_config.h"

#include "installer/bronze_disk.h"
#include "installer/ext4.h"

namespace bronze::machined {

std::optional<std::string> read_state_config(const std::filesystem::path& disk) {
  auto opened = installer::BronzeDisk::open(disk);
  uint64_t offset = opened.partition("STATE").start;
  if (!installer::ext4_has_file(disk, offset, kStateConfigPath)) return std::nullopt;
  return installer::read_from_ext4(disk, offset, kStateConfigPath);
}

}  // namespace bronze::machined
