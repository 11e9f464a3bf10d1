// The GPT of a Bronze disk: written through libfdisk, read back through
// libblkid. Works on a regular file as on a block device (docs/DESIGN.md decisions 1 and 2).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "disk/partitions/layout.h"

namespace bronze::disk {

struct GptIds {
  std::string disk_guid;
  std::vector<std::string> partition_guids;  // one per layout partition, in order
};

// Writes a fresh protective MBR and GPT for `layout` onto `disk`.
void write_gpt(const std::filesystem::path& disk, const Layout& layout, const GptIds& ids);

// A partition as read back from a disk: the layout's fields (type GUID in
// upper case) and its unique GUID.
struct FoundPartition : Partition {
  std::string uuid;  // upper case
};

// Reads the GPT of `disk`; throws when there is none.
std::vector<FoundPartition> read_gpt(const std::filesystem::path& disk);

// The disk GUID of `disk`'s GPT (upper case); throws when there is none.
std::string read_disk_guid(const std::filesystem::path& disk);

// The partition labelled `name`; throws an Error saying the disk does not
// carry Bronze's layout when it is missing.
FoundPartition find_partition(const std::filesystem::path& disk, const std::string& name);

}  // namespace bronze::disk
