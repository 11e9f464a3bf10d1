#include "imager/outputs/iso_boot_images.h"

#include <algorithm>
#include <ctime>
#include <iterator>
#include <vector>

#include "base/error.h"
#include "base/files.h"
#include "base/sha256.h"
#include "base/subprocess.h"
#include "base/units.h"
#include "disk/filesystems/vfat.h"
#include "disk/partitions/layout.h"

namespace bronze::imager {
namespace fs = std::filesystem;

namespace {

// What the ISO's GRUB runs (grub-mkimage adds their dependencies), for both
// BIOS and UEFI. They are built into the cores, so the ISO needs no module
// folder; the rest of GRUB's modules, fonts, locales and themes would only
// make it larger. gzio inflates the arm64 kernel (an Image.gz).
constexpr const char* kGrubModules[] = {"normal", "linux", "gzio", "serial", "terminal", "echo", "test", "configfile",
                                       "search", "iso9660", "part_msdos", "part_gpt", "fat"};

// Room for the FAT's own structures around GRUB's EFI binary, rounded to whole MiB.
constexpr uint64_t kFatSlack = 256 * KiB;

// Every regular file below `dir` by path and content, in a fixed order.
std::string tree_digest(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(fs::relative(entry.path(), dir));
  }
  std::sort(files.begin(), files.end());
  Sha256 h;
  for (const auto& file : files) h.update(file.generic_string() + " " + sha256_file_hex(dir / file) + "\n");
  return h.hex_digest();
}

// grub-mkimage with the early config and the modules: -O `format`, modules
// from `modules_dir`, plus `extra` modules.
void grub_mkimage(const std::string& format, const fs::path& modules_dir, const fs::path& config, const fs::path& out,
                  const std::vector<std::string>& extra) {
  // The prefix is replaced by the early config; it only has to be valid.
  std::vector<std::string> argv = {"grub-mkimage", "-O", format, "-d", modules_dir.string(), "-p", "/boot/grub",
                                   "-c", config.string(), "-o", out.string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.insert(argv.end(), std::begin(kGrubModules), std::end(kGrubModules));
  run_checked(argv);
}

// BIOS: loaded by the firmware from the El Torito catalog (CD), or by
// boot_hybrid.img in the MBR (USB stick); biosdisk reads the medium.
void make_bios_image(const IsoBootImages& r, const fs::path& config) {
  fs::path out = r.root / kIsoBiosImage;
  fs::create_directories(out.parent_path());
  grub_mkimage("i386-pc-eltorito", r.grub.bios_modules, config, out, {"biosdisk"});
}

// The FAT the firmware loads GRUB (efi_boot_path) from: El Torito's UEFI entry on a
// CD, the appended EFI partition on a USB stick.
void make_efi_fat(const IsoBootImages& r, const fs::path& efi_binary) {
  fs::path image = r.root / kIsoEfiImage;
  disk::Partition fat;
  fat.start = 0;
  fat.size = (fs::file_size(efi_binary) + kFatSlack + MiB - 1) / MiB * MiB;
  fs::remove(image);  // mkfs.vfat -C creates the file and refuses an existing one
  // mkfs.vfat picks FAT12 or FAT16 by the size (a FAT32 would need 32 MiB).
  // --invariant: no random or time-based values; then -i sets our volume ID
  // (it must come after --invariant, which sets a fixed one of its own).
  run_checked({"mkfs.vfat", "-C", "--invariant", "-i", r.efi_volume_id, "-n", disk::label::kEfi, image.string(),
               std::to_string(fat.size / 1024)},
              RunOptions{{{"SOURCE_DATE_EPOCH", std::to_string(r.epoch)}}, {}, {}});
  disk::copy_into_vfat(image, fat, {{efi_binary, disk::efi_boot_path(r.grub)}}, r.epoch);
}

}  // namespace

std::string write_iso_marker(const fs::path& root) {
  // Named by what the ISO boots, so that another Bronze ISO (another
  // version, or built with the same epoch) attached at the same time is
  // never taken for this one; the same /boot gives the same name.
  std::string marker = "/boot/bronze-" + tree_digest(root / "boot").substr(0, 16) + ".marker";
  write_file(root / marker.substr(1), "GRUB finds the Bronze ISO by this file's name (search --file).\n");
  return marker;
}

std::string iso_early_config(const std::string& marker) {
  // --no-floppy: probing a floppy drive only costs time (the ISO is never on one).
  return "search --no-floppy --file --set=root " + marker + "\n"
         "set prefix=($root)/boot/grub\n";
}

void make_iso_boot_images(const IsoBootImages& r) {
  disk::check_grub_modules(r.grub);
  fs::path config = r.work / "grub-early.cfg";
  write_file(config, iso_early_config(r.marker));
  if (!r.grub.bios_modules.empty()) make_bios_image(r, config);
  fs::path efi_binary = r.work / "grub.efi";
  grub_mkimage(r.grub.efi_target, r.grub.efi_modules, config, efi_binary, {});
  make_efi_fat(r, efi_binary);
}

std::string iso_volume_uuid(int64_t epoch) {
  std::time_t t = static_cast<std::time_t>(epoch);
  std::tm utc{};
  if (!gmtime_r(&t, &utc)) throw Error("epoch " + std::to_string(epoch) + " is out of range");
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d%H%M%S", &utc);
  return std::string(text) + "00";  // centiseconds
}

}  // namespace bronze::imager
