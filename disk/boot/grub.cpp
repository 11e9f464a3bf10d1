#include "disk/boot/grub.h"

#include <cstring>

#include "base/error.h"
#include "base/files.h"
#include "base/subprocess.h"

namespace bronze::disk {

namespace {

// Offsets in boot.img and diskboot.img (GRUB's i386-pc boot.h).
constexpr size_t kBootBpbStart = 0x03;
constexpr size_t kBootBpbEnd = 0x5a;
constexpr size_t kBootKernelSector = 0x5c;
constexpr size_t kBootDrive = 0x64;
constexpr size_t kBootDriveCheck = 0x66;
constexpr size_t kBootPartTableStart = 0x1b8;  // NT disk signature, then the partition table
constexpr size_t kBootPartTableEnd = 0x1fe;
// The first blocklist entry sits at the end of core.img's first sector:
// u64 start sector, u16 sector count, u16 load segment.
constexpr size_t kBlocklistEntry = 12;
constexpr size_t kFirstBlocklist = kSectorSize - kBlocklistEntry;
// core.img's first sector loads at 0x8000; the rest follows at segment 0x820.
constexpr uint16_t kCoreRestSegment = 0x820;

void put_le(std::string& buffer, size_t offset, uint64_t value, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) buffer[offset + i] = static_cast<char>((value >> (8 * i)) & 0xff);
}

uint16_t get_le16(const std::string& buffer, size_t offset) {
  return static_cast<uint16_t>(static_cast<uint8_t>(buffer[offset]) | (static_cast<uint8_t>(buffer[offset + 1]) << 8));
}

}  // namespace

GrubPaths arm64_grub(const std::filesystem::path& efi_modules) {
  GrubPaths paths;
  paths.efi_target = "arm64-efi";
  paths.efi_modules = efi_modules;
  paths.bios_modules.clear();
  return paths;
}

std::string efi_boot_path(const GrubPaths& paths) {
  if (paths.efi_target == "x86_64-efi") return "/EFI/BOOT/BOOTX64.EFI";
  if (paths.efi_target == "arm64-efi") return "/EFI/BOOT/BOOTAA64.EFI";
  throw Error("no UEFI boot path known for GRUB target " + paths.efi_target);
}

void check_grub_modules(const GrubPaths& paths) {
  auto check = [](const std::filesystem::path& dir, const std::string& target, const std::string& hint) {
    if (!std::filesystem::is_regular_file(dir / "normal.mod")) {
      throw Error("GRUB's " + target + " modules are not in " + (dir.empty() ? std::string("(none given)") : dir.string()) +
                  "; " + hint);
    }
  };
  if (paths.efi_target == "arm64-efi") {
    check(paths.efi_modules, paths.efi_target,
          "`scripts/grub-efi.sh arm64` unpacks them from Debian's grub-efi-arm64-bin and prints their folder, for "
          "--grub-efi-modules");
  } else {
    check(paths.efi_modules, paths.efi_target, "install Debian's grub-efi-amd64-bin");
  }
  if (!paths.bios_modules.empty()) check(paths.bios_modules, "i386-pc", "install Debian's grub-pc-bin");
}

const std::vector<std::string>& grub_modules() {
  // gzio: the arm64 kernel is an Image.gz (arm64 kernels do not decompress
  // themselves), which GRUB inflates as it loads it.
  static const std::vector<std::string> modules = {
      "part_gpt", "fat", "ext2", "normal", "linux", "gzio", "configfile", "search", "test", "regexp",
      "loadenv", "echo", "serial", "terminal", "sleep", "halt", "reboot", "boot"};
  return modules;
}

void make_bios_core_image(const GrubPaths& paths, const std::filesystem::path& out) {
  // "(,gpt1)" means: partition 1 of the disk the BIOS booted from.
  std::vector<std::string> argv = {"grub-mkimage", "-O", "i386-pc", "-d", paths.bios_modules.string(),
                                   "-p", "(,gpt1)/boot/grub", "-o", out.string(), "biosdisk"};
  for (const auto& m : grub_modules()) argv.push_back(m);
  run_checked(argv);
}

void make_efi_image(const GrubPaths& paths, const std::filesystem::path& out) {
  // With no device in the prefix, GRUB uses the partition it was loaded from.
  std::vector<std::string> argv = {"grub-mkimage", "-O", paths.efi_target, "-d", paths.efi_modules.string(),
                                   "-p", "/boot/grub", "-o", out.string()};
  for (const auto& m : grub_modules()) argv.push_back(m);
  run_checked(argv);
}

void embed_bios(const std::filesystem::path& disk, const Partition& bios_partition, const GrubPaths& paths,
                const std::filesystem::path& core_image) {
  std::string boot = read_file(paths.bios_modules / "boot.img");
  if (boot.size() != kSectorSize) throw Error("boot.img in " + paths.bios_modules.string() + " is not 512 bytes");
  std::string core = read_file(core_image);
  if (core.size() < kSectorSize) throw Error("core.img is smaller than one sector");
  size_t sectors = (core.size() + kSectorSize - 1) / kSectorSize;
  if (sectors * kSectorSize > bios_partition.size) {
    throw Error("core.img (" + std::to_string(core.size()) + " B) does not fit the BIOS boot partition");
  }
  core.resize(sectors * kSectorSize, '\0');

  // Clear the blocklists grub-mkimage left (entries grow downwards from the
  // end of the first sector until one with a zero length), then describe the
  // rest of core.img as one contiguous run right after its first sector.
  for (size_t at = kFirstBlocklist; at > 0 && get_le16(core, at + 8) != 0; at -= kBlocklistEntry) {
    std::memset(core.data() + at, 0, kBlocklistEntry);
  }
  uint64_t first_sector = bios_partition.start_sector();
  put_le(core, kFirstBlocklist, first_sector + 1, 8);
  put_le(core, kFirstBlocklist + 8, sectors - 1, 2);
  put_le(core, kFirstBlocklist + 10, kCoreRestSegment, 2);
  std::memset(core.data() + kFirstBlocklist - kBlocklistEntry, 0, kBlocklistEntry);  // terminator

  std::string mbr = read_at(disk, 0, kSectorSize);
  std::memcpy(boot.data() + kBootBpbStart, mbr.data() + kBootBpbStart, kBootBpbEnd - kBootBpbStart);
  std::memcpy(boot.data() + kBootPartTableStart, mbr.data() + kBootPartTableStart, kBootPartTableEnd - kBootPartTableStart);
  // A hard disk: skip the check that trusts a BIOS-provided drive number.
  boot[kBootDriveCheck] = static_cast<char>(0x90);
  boot[kBootDriveCheck + 1] = static_cast<char>(0x90);
  boot[kBootDrive] = static_cast<char>(0xff);
  put_le(boot, kBootKernelSector, first_sector, 8);

  write_at(disk, bios_partition.start, core);
  write_at(disk, 0, boot);
}

}  // namespace bronze::disk
