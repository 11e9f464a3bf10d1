// GRUB without grub-install: grub-mkimage builds the images, and we place
// them ourselves (grub-install and grub-bios-setup refuse a plain file since
// they probe the host's root device).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "installer/layout.h"

namespace bronze::installer {

struct GrubPaths {
  std::filesystem::path bios_modules = "/usr/lib/grub/i386-pc";
  std::filesystem::path efi_modules = "/usr/lib/grub/x86_64-efi";
};

// Every module the boot needs is built into the images, so the ESP holds no
// module folder and the BIOS and UEFI paths run the same grub.cfg.
const std::vector<std::string>& grub_modules();

// core.img for BIOS; its prefix names the ESP of the disk it was loaded from.
void make_bios_core_image(const GrubPaths& paths, const std::filesystem::path& out);
// BOOTX64.EFI, the removable-media path every UEFI firmware tries.
void make_efi_image(const GrubPaths& paths, const std::filesystem::path& out);

// Writes boot.img into the MBR (keeping the protective partition table) and
// core.img into the BIOS boot partition, patching boot.img's pointer to
// core.img and core.img's blocklist for the rest of itself.
void embed_bios(const std::filesystem::path& disk, const Partition& bios_partition, const GrubPaths& paths,
                const std::filesystem::path& core_image);

}  // namespace bronze::installer
