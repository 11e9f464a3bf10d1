// Installing from the live ISO. A node has no mkfs.vfat, mtools, mke2fs or
// grub-mkimage, so the imager runs install() (docs/DESIGN.md decision 1) onto a
// small template disk when it builds the ISO, and the live system replays
// that template onto the disk the machine config names: the GPT is written
// afresh for the disk's size (same GUIDs), every partition but EPHEMERAL is
// copied, and the machine config goes into STATE. The result is the disk
// `imager metal --config` would have made for a disk of that size. The
// template arrives compressed: see template_unpack.h.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "base/progress.h"

namespace bronze::disk {

struct TemplateInstallRequest {
  std::filesystem::path template_disk;  // unpacked
  std::filesystem::path disk;           // the target: a block device, or a file in tests
  std::string machine_config;           // its text, into STATE as config.yaml
  std::filesystem::path trust;          // trust store BOOT-A must verify against
  std::string node_arch;                // and be built for it
  int64_t epoch = 0;                    // the date of config.yaml
  bool wipe = false;                    // zero the whole disk first (machine.install.wipe)
};

struct TemplateInstallResult {
  std::string version;  // what BOOT-A holds
  uint64_t disk_size = 0;
  uint64_t bytes_written = 0;
};

// Checks everything it can before the first write (the template's slot
// verifies and suits this machine, the target is a disk large enough), so
// that bad input leaves the target as it was; then writes and checks BOOT-A
// on the target once more.
TemplateInstallResult install_from_template(const TemplateInstallRequest& request, Progress& progress);

}  // namespace bronze::disk
