#include "disk/filesystems/vfat.h"

#include <set>

#include "base/error.h"
#include "base/files.h"
#include "base/subprocess.h"

namespace bronze::disk {

namespace {

// mtools addresses a partition inside an image as IMAGE@@BYTE_OFFSET.
std::string mtools_image(const std::filesystem::path& disk, uint64_t start) {
  return disk.string() + "@@" + std::to_string(start);
}

RunOptions mtools_env(int64_t epoch) {
  // SOURCE_DATE_EPOCH fixes the times mtools writes into directory entries,
  // which FAT keeps in local time: TZ=UTC, so that the host's zone does not
  // change them. MTOOLS_SKIP_CHECK accepts the FAT geometry of an image file.
  return RunOptions{{{"SOURCE_DATE_EPOCH", std::to_string(epoch)}, {"TZ", "UTC"}, {"MTOOLS_SKIP_CHECK", "1"}}, {}, {}};
}

}  // namespace

void make_vfat(const std::filesystem::path& disk, const Partition& partition, const std::string& fs_label,
               const std::string& volume_id, int64_t epoch) {
  // -s 1: one sector per cluster keeps a 100 MiB FAT32 above the cluster count
  // mtools needs. --invariant: no random or time-based values.
  run_checked({"mkfs.vfat", "-F", "32", "-s", "1", "-S", "512", "--invariant",
               "--offset", std::to_string(partition.start_sector()),
               "-h", std::to_string(partition.start_sector()),
               // A fixed geometry: mkfs.vfat would derive it from the size
               // of the whole disk, and the ESP must not depend on that (the
               // ISO's installation template is smaller than the disks it
               // is installed to).
               "-g", "64/32",
               "-n", fs_label, "-i", volume_id, disk.string(), std::to_string(partition.size / 1024)},
              RunOptions{{{"SOURCE_DATE_EPOCH", std::to_string(epoch)}}, {}, {}});
}

void copy_into_vfat(const std::filesystem::path& disk, const Partition& partition, const std::vector<VfatFile>& files,
                    int64_t epoch) {
  std::string image = mtools_image(disk, partition.start);
  std::set<std::string> made;
  for (const auto& file : files) {
    // Create each missing parent folder, outermost first.
    std::filesystem::path parent = std::filesystem::path(file.destination).parent_path();
    std::vector<std::string> chain;
    for (auto p = parent; p != p.root_path() && !p.empty(); p = p.parent_path()) chain.insert(chain.begin(), p.string());
    for (const auto& dir : chain) {
      if (made.insert(dir).second) run_checked({"mmd", "-i", image, "::" + dir}, mtools_env(epoch));
    }
    run_checked({"mcopy", "-o", "-i", image, file.source.string(), "::" + file.destination}, mtools_env(epoch));
  }
}

std::string read_from_vfat(const std::filesystem::path& disk, uint64_t partition_start, const std::string& path) {
  TempDir tmp("bronze-vfat");
  auto out = tmp.path() / "file";
  run_checked({"mcopy", "-n", "-i", mtools_image(disk, partition_start), "::" + path, out.string()},
              RunOptions{{{"MTOOLS_SKIP_CHECK", "1"}}, {}, {}});
  return read_file(out);
}

}  // namespace bronze::disk
