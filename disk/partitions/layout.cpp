#include "disk/partitions/layout.h"

#include "base/error.h"
#include "base/units.h"

namespace bronze::disk {

static void require_whole_mib(uint64_t size, const char* what) {
  if (size == 0 || size % kAlignment != 0) {
    throw Error(std::string(what) + " size " + std::to_string(size) + " B is not a whole, non-zero number of MiB");
  }
}

uint64_t Layout::minimum_disk_size(const LayoutSizes& s) {
  // 1 MiB before the first partition holds the MBR and the primary GPT; the
  // last MiB is kept for the backup GPT so that EPHEMERAL stays aligned.
  return kAlignment + s.efi + s.bios + 2 * s.boot + s.meta + s.state + s.min_ephemeral + kAlignment;
}

Layout Layout::plan(uint64_t disk_size, const LayoutSizes& s) {
  require_whole_mib(s.efi, "EFI partition");
  require_whole_mib(s.bios, "BIOS boot partition");
  require_whole_mib(s.boot, "boot slot");
  require_whole_mib(s.meta, "META partition");
  require_whole_mib(s.state, "STATE partition");
  uint64_t needed = minimum_disk_size(s);
  if (disk_size < needed) {
    throw Error("disk of " + format_size(disk_size) + " is too small for the layout: it needs at least " +
                format_size(needed) + " (EFI " + format_size(s.efi) + ", BIOS " + format_size(s.bios) +
                ", 2 boot slots of " + format_size(s.boot) + ", META " + format_size(s.meta) + ", STATE " +
                format_size(s.state) + ", EPHEMERAL at least " + format_size(s.min_ephemeral) +
                "); give a larger disk or smaller boot slots");
  }
  if (disk_size % kSectorSize != 0) {
    throw Error("disk size " + std::to_string(disk_size) + " B is not a whole number of 512-byte sectors");
  }

  Layout layout;
  layout.disk_size_ = disk_size;
  uint64_t cursor = kAlignment;
  auto add = [&](const char* name, const char* type, uint64_t size) {
    Partition p;
    p.number = static_cast<int>(layout.partitions_.size()) + 1;
    p.label = name;
    p.type_guid = type;
    p.start = cursor;
    p.size = size;
    layout.partitions_.push_back(p);
    cursor += size;
  };
  add(label::kEfi, part_type::kEfiSystem, s.efi);
  add(label::kBios, part_type::kBiosBoot, s.bios);
  add(label::kBootA, part_type::kLinuxData, s.boot);
  add(label::kBootB, part_type::kLinuxData, s.boot);
  add(label::kMeta, part_type::kLinuxData, s.meta);
  add(label::kState, part_type::kLinuxData, s.state);
  uint64_t last_usable_end = disk_size - kBackupGptBytes;
  uint64_t ephemeral_end = last_usable_end / kAlignment * kAlignment;
  add(label::kEphemeral, part_type::kLinuxData, ephemeral_end - cursor);
  return layout;
}

const Partition& Layout::get(const std::string& name) const {
  for (const auto& p : partitions_) {
    if (p.label == name) return p;
  }
  throw Error("layout has no partition labelled " + name);
}

}  // namespace bronze::disk
