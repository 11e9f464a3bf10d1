// A test's handle on the parts of a Bronze disk image that GRUB reads: the
// boot state and tally on the ESP (through mtools, so no mount and no loop
// device), and slot B's filesystem.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "disk/boot/boot_state.h"

namespace bronze::test {

class BootDisk {
 public:
  explicit BootDisk(std::filesystem::path raw);
  const std::filesystem::path& path() const { return raw_; }

  // Raw bytes of an ESP file: "/boot/grub/tally.env".
  std::string read_esp(const std::string& esp_path) const;
  // Replaces an ESP file with `bytes` (mcopy -o).
  void write_esp(const std::string& esp_path, const std::string& bytes) const;

  // Copy 1 or 2 of the boot state.
  void write_state(int copy, const disk::BootState& state) const;
  void write_state_bytes(int copy, const std::string& block) const;
  std::string tally_bytes() const;
  std::optional<disk::Tally> tally() const;
  void write_tally(const disk::Tally& tally) const;

  // Formats BOOT-B as the installer does (mke2fs -d) with a slot.env naming
  // `version`, an initramfs, and the kernel only when `with_kernel`.
  void fill_slot_b(const std::string& version, bool with_kernel) const;

 private:
  std::filesystem::path raw_;
  uint64_t esp_start_ = 0;
};

// Copies a disk image, keeping it sparse, and returns the copy's handle.
BootDisk copy_disk(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace bronze::test
