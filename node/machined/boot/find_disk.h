// Finds the disk this node booted from: the one that carries Bronze's layout.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

namespace bronze::machined {

// The whole disks of this machine as /dev paths, sorted: no loop devices
// (our own root filesystem) and no RAM disks.
std::vector<std::filesystem::path> list_disks();

// Looks at every whole disk in /sys/block (virtio, SCSI/SATA, NVMe, MMC) and
// returns the first one whose GPT and META are Bronze's.
std::optional<std::filesystem::path> find_boot_disk();

}  // namespace bronze::machined
