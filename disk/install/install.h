// Install: the whole Bronze disk layout written onto a disk, which is a block
// device on a node and a regular file when the imager builds a disk image
// (docs/DESIGN.md decision 1: one code path for both).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "base/progress.h"
#include "disk/boot/grub.h"
#include "disk/partitions/layout.h"

namespace bronze::disk {

// What goes into a boot slot.
struct SlotContent {
  std::filesystem::path kernel;
  std::filesystem::path initramfs;
  std::filesystem::path manifest;
  std::filesystem::path signature;
  std::string version;
  std::string cmdline;
};

// File names inside a boot slot; grub.cfg and the verifier use the same.
namespace slot_file {
constexpr const char* kKernel = "vmlinuz";
constexpr const char* kInitramfs = "initramfs.img";
constexpr const char* kManifest = "manifest.json";
constexpr const char* kSignature = "manifest.sig";
constexpr const char* kSlotEnv = "slot.env";
}  // namespace slot_file

struct InstallRequest {
  std::filesystem::path disk;
  std::string image_name;  // with the version, seeds the disk's GUIDs
  std::string version;
  uint64_t security_version = 0;  // slot A's, which starts the node's floor
  LayoutSizes sizes;
  int64_t epoch = 0;  // every timestamp written
  std::filesystem::path slot_image;  // see slot_image.h; goes into BOOT-A
  GrubPaths grub;
  // The machine config's text, put into STATE as config.yaml; none: STATE
  // stays empty and the node boots into maintenance mode.
  std::optional<std::string> machine_config;
};

// The size of a regular file or a block device.
uint64_t disk_size(const std::filesystem::path& disk);

// Writes the layout onto request.disk, with the slot image in BOOT-A,
// committed, and an empty BOOT-B.
void install(const InstallRequest& request, Progress& progress);

}  // namespace bronze::disk
