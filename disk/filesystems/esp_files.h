// Where a file of the ESP lies on the disk. The boot state files are
// rewritten in place, sector by sector, both by GRUB (save_env) and by us, so
// we need their sectors; mtools finds their clusters at install time and META
// keeps the answer, so that a node needs no FAT code to update them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "disk/partitions/layout.h"

namespace bronze::disk {

// Byte offsets, from the start of the disk, of each cluster of `path` in the
// FAT filesystem of `esp`, in file order. Throws unless every cluster is one
// 512-byte sector (mkfs.vfat -s 1, as install makes it).
std::vector<uint64_t> locate_fat_file(const std::filesystem::path& disk, const Partition& esp, const std::string& path);

std::string encode_offsets(const std::vector<uint64_t>& offsets);
std::vector<uint64_t> decode_offsets(const std::string& text);

}  // namespace bronze::disk
