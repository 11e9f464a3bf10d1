#include "node/machined/upgrade/ephemeral.h"

#include <algorithm>
#include <string>

#include "disk/partitions/disk_writer.h"
#include "disk/slots/bronze_disk.h"

namespace bronze::machined {

void wipe_ephemeral(const std::filesystem::path& disk) {
  auto opened = disk::BronzeDisk::open(disk);
  const auto& ephemeral = opened.partition("EPHEMERAL");
  disk::DiskWriter writer(disk);
  std::string zeros(static_cast<size_t>(std::min<uint64_t>(ephemeral.size, 1u << 20)), '\0');
  writer.write(ephemeral.start, zeros);
}

}  // namespace bronze::machined
