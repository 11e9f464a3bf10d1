// Finds the disk this node booted from: the one that carries Bronze's layout.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

namespace bronze::machined {

// The whole disks of this machine as /dev paths, sorted: no loop devices
// (our own root filesystem) and no RAM disks.
std::vector<std::filesystem::path> list_disks();

// Looks at every whole disk in /sys/block (virtio, SCSI/SATA, NVMe, MMC) and
// returns the first one whose GPT and META are Bronze's.
std::optional<std::filesystem::path> find_boot_disk();

// For a node booted from a disk slot: USB, SCSI and NVMe controllers find
// their disks asynchronously, after machined may already run. Looks again
// every 250 ms until `limit`, calling `keep_alive` (the watchdog) meanwhile.
std::optional<std::filesystem::path> wait_for_boot_disk(std::chrono::milliseconds limit,
                                                        const std::function<void()>& keep_alive);

}  // namespace bronze::machined
