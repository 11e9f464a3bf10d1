// The ISO's El Torito boot images, made the way grub-mkrescue makes them but
// with nothing taken from the clock, so that the same inputs give the same
// ISO bytes (grub-mkrescue 2.06 stamps the current time into the volume and
// searches for the ISO by that time, and cannot be told otherwise):
//   boot/grub/i386-pc/eltorito.img  BIOS: GRUB's i386-pc-eltorito core image
//   efi.img                         UEFI: a small FAT holding /EFI/BOOT/BOOTX64.EFI
//                                   (BOOTAA64.EFI on arm64, whose ISO has no BIOS image)
// Both cores carry every module the boot needs and an early config that finds
// the ISO by a marker file named by the digest of the ISO's /boot, then runs
// /boot/grub/grub.cfg from it; the ISO holds no GRUB module folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "disk/boot/grub.h"

namespace bronze::imager {

// Where the images go, relative to the ISO's root folder (grub-mkrescue's places).
inline constexpr const char* kIsoBiosImage = "boot/grub/i386-pc/eltorito.img";
inline constexpr const char* kIsoEfiImage = "efi.img";

// Writes the marker into `root` (the ISO's folder, its /boot complete) and
// returns its path in the ISO: "/boot/bronze-<16 hex digits>.marker".
std::string write_iso_marker(const std::filesystem::path& root);

// The config built into both cores: root is the medium holding `marker`,
// and GRUB's prefix is that medium's /boot/grub.
std::string iso_early_config(const std::string& marker);

struct IsoBootImages {
  disk::GrubPaths grub;   // no bios_modules: a UEFI-only ISO
  std::filesystem::path root;  // the ISO's folder, where the images go
  std::filesystem::path work;  // scratch space
  std::string marker;          // from write_iso_marker()
  std::string efi_volume_id;   // the FAT's, 8 hex digits
  int64_t epoch = 0;           // every FAT date
};

// Writes kIsoBiosImage (when there are BIOS modules) and kIsoEfiImage.
void make_iso_boot_images(const IsoBootImages& request);

// The ISO 9660 volume date GRUB would read as the volume's UUID,
// YYYYMMDDhhmmsscc in UTC, for xorriso's -volume_date uuid.
std::string iso_volume_uuid(int64_t epoch);

}  // namespace bronze::imager
