// GRUB without grub-install: grub-mkimage builds the images, and we place
// them ourselves (grub-install and grub-bios-setup refuse a plain file since
// they probe the host's root device).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "disk/partitions/layout.h"

namespace bronze::disk {

// Which GRUB a disk gets, and where its modules are. The default is amd64's:
// BIOS and x86_64 UEFI, from Debian's grub-pc-bin and grub-efi-amd64-bin.
struct GrubPaths {
  std::string efi_target = "x86_64-efi";  // grub-mkimage -O
  std::filesystem::path efi_modules = "/usr/lib/grub/x86_64-efi";
  // Empty: the disk boots through UEFI only (arm64 has no BIOS).
  std::filesystem::path bios_modules = "/usr/lib/grub/i386-pc";
};

// arm64: UEFI only, with the arm64-efi modules in `efi_modules` (an arm64
// host has them installed in /usr/lib/grub/arm64-efi; an amd64 host has
// them unpacked from grub-efi-arm64-bin by scripts/grub-efi.sh).
GrubPaths arm64_grub(const std::filesystem::path& efi_modules);

// The removable-media path every UEFI firmware of the target's arch tries:
// "/EFI/BOOT/BOOTX64.EFI" or "/EFI/BOOT/BOOTAA64.EFI".
std::string efi_boot_path(const GrubPaths& paths);

// Throws, naming the folder and what to do, unless the modules are there.
void check_grub_modules(const GrubPaths& paths);

// Every module the boot needs is built into the images, so the ESP holds no
// module folder and the BIOS and UEFI paths run the same grub.cfg. The same
// list serves i386-pc, x86_64-efi and arm64-efi: each has all of them.
const std::vector<std::string>& grub_modules();

// core.img for BIOS; its prefix names the ESP of the disk it was loaded from.
void make_bios_core_image(const GrubPaths& paths, const std::filesystem::path& out);
// The UEFI image that goes to efi_boot_path(paths).
void make_efi_image(const GrubPaths& paths, const std::filesystem::path& out);

// Writes boot.img into the MBR (keeping the protective partition table) and
// core.img into the BIOS boot partition, patching boot.img's pointer to
// core.img and core.img's blocklist for the rest of itself.
void embed_bios(const std::filesystem::path& disk, const Partition& bios_partition, const GrubPaths& paths,
                const std::filesystem::path& core_image);

}  // namespace bronze::disk
