#include "tests/grub/boot_disk.h"

#include "base/files.h"
#include "base/subprocess.h"
#include "disk/filesystems/ext4.h"
#include "disk/filesystems/vfat.h"
#include "disk/partitions/gpt.h"
#include "disk/partitions/layout.h"
#include "tests/support/image_fixture.h"

namespace bronze::test {
namespace fs = std::filesystem;
using namespace bronze::disk;

BootDisk::BootDisk(fs::path raw) : raw_(std::move(raw)), esp_start_(find_partition(raw_, label::kEfi).start) {}

std::string BootDisk::read_esp(const std::string& esp_path) const { return read_from_vfat(raw_, esp_start_, esp_path); }

void BootDisk::write_esp(const std::string& esp_path, const std::string& bytes) const {
  TempDir tmp("bronze-grub-esp");
  fs::path file = tmp.path() / "file";
  write_file(file, bytes);
  run_checked({"mcopy", "-o", "-i", raw_.string() + "@@" + std::to_string(esp_start_), file.string(), "::" + esp_path},
              RunOptions{{{"MTOOLS_SKIP_CHECK", "1"}}, {}, {}});
}

void BootDisk::write_state(int copy, const BootState& state) const { write_state_bytes(copy, encode_state(state)); }

void BootDisk::write_state_bytes(int copy, const std::string& block) const {
  write_esp(copy == 1 ? kStateFile1 : kStateFile2, block);
}

std::string BootDisk::tally_bytes() const { return read_esp(kTallyFile); }

std::optional<Tally> BootDisk::tally() const { return decode_tally(tally_bytes()); }

void BootDisk::write_tally(const Tally& tally) const { write_esp(kTallyFile, encode_tally(tally)); }

void BootDisk::fill_slot_b(const std::string& version, bool with_kernel) const {
  Partition part = find_partition(raw_, label::kBootB);
  TempDir staging("bronze-grub-slot");
  // GRUB only checks that the initramfs exists; its bytes do not matter.
  write_file(staging.path() / "initramfs.img", "initramfs");
  if (with_kernel) fs::copy_file(kernel_image(), staging.path() / "vmlinuz");
  write_file(staging.path() / "slot.env", encode_slot_env(version, "console=ttyS0,115200n8"));
  make_ext4(raw_, part, {label::kBootB, "0b0b0b0b-0000-4000-8000-00000000000b", 315532800, staging.path()});
}

BootDisk copy_disk(const fs::path& from, const fs::path& to) {
  copy_sparse(from, to);
  return BootDisk(to);
}

}  // namespace bronze::test
