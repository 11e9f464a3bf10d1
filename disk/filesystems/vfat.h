// FAT32 filesystems inside a disk image, made with mkfs.vfat --offset and
// filled with mtools, so that no mount and no loop device is needed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "disk/partitions/layout.h"

namespace bronze::disk {

struct VfatFile {
  std::filesystem::path source;
  std::string destination;  // "/EFI/BOOT/BOOTX64.EFI"
};

// Formats `partition` of `disk` as FAT32 labelled `fs_label`. Timestamps come
// from `epoch` and the volume ID from `volume_id` (8 hex digits).
void make_vfat(const std::filesystem::path& disk, const Partition& partition, const std::string& fs_label,
               const std::string& volume_id, int64_t epoch);

// Copies files in, creating their folders.
void copy_into_vfat(const std::filesystem::path& disk, const Partition& partition, const std::vector<VfatFile>& files,
                    int64_t epoch);

// Reads one file back (for checks and the boot state).
std::string read_from_vfat(const std::filesystem::path& disk, uint64_t partition_start, const std::string& path);

}  // namespace bronze::disk
