// A disk carrying Bronze's layout, opened for the A/B operations: its
// partitions, what META records, and the boot state on the ESP.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "disk/boot/boot_state.h"
#include "disk/meta/node_state.h"
#include "disk/partitions/disk_writer.h"
#include "disk/partitions/gpt.h"

namespace bronze::disk {

class BronzeDisk {
 public:
  // Throws an Error saying the disk does not carry Bronze's layout when a
  // partition, META or the boot state is missing.
  static BronzeDisk open(const std::filesystem::path& disk);

  const std::filesystem::path& path() const { return path_; }
  const FoundPartition& partition(const std::string& label) const;
  const FoundPartition& slot_partition(char slot) const { return partition(std::string("BOOT-") + slot); }

  const NodeState& node() const { return node_; }
  // The boot state GRUB acts on (the valid copy with the higher generation).
  const BootState& boot_state() const { return state_; }
  // The tally GRUB keeps, when readable.
  const std::optional<Tally>& tally() const { return tally_; }
  // Tries the trial slot has left, as GRUB will count them.
  int tries_left() const;
  // The slot GRUB boots next.
  char next_boot() const;

  // Writes META (over its older copy) and keeps the new record.
  void write_node(DiskWriter& writer, const NodeState& node);
  // Writes `next` over the copy GRUB does not use, with the next generation.
  void write_boot_state(DiskWriter& writer, BootState next);

 private:
  std::string read_sectors(const std::vector<uint64_t>& offsets) const;

  std::filesystem::path path_;
  std::map<std::string, FoundPartition> partitions_;
  NodeState node_;
  BootState state_;
  int state_copy_ = 0;  // 1 or 2: the copy in use
  std::optional<Tally> tally_;
};

}  // namespace bronze::disk
