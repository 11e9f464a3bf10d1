#include "imager/outputs/build_iso.h"

#include "base/error.h"
#include "base/files.h"
#include "base/guid.h"
#include "base/subprocess.h"
#include "disk/install/install.h"
#include "disk/partitions/layout.h"
#include "imager/outputs/compress.h"
#include "imager/outputs/iso_boot_images.h"
#include "imager/outputs/iso_grub_cfg.h"
#include "imager/outputs/publish.h"
#include "initramfs/initramfs.h"

namespace bronze::imager {
namespace fs = std::filesystem;

namespace {

// The volume label a USB stick shows.
constexpr const char* kVolumeId = "BRONZE";

void require_program(const std::string& program, const std::string& package) {
  if (!program_exists(program)) {
    throw Error(program + " not found; the ISO needs it (Debian package " + package + ", see scripts/debian-packages.txt)");
  }
}

void require_programs() {
  require_program("grub-mkimage", "grub-common");
  require_program("xorriso", "xorriso");
  require_program("mkfs.vfat", "dosfstools");
  require_program("mmd", "mtools");
  require_program("mcopy", "mtools");
}

// The hybrid ISO of `root` (boot images in place, iso_boot_images.h) with
// xorriso's mkisofs emulation, as grub-mkrescue 2.06 runs it (`grub-mkrescue
// -v` shows the command) but without its HFS+ tree for old Macs, and with
// every date from the epoch.
std::vector<std::string> xorriso_argv(const BuildRequest& r, const fs::path& root, const fs::path& out) {
  std::vector<std::string> argv = {"xorriso", "-as", "mkisofs", "-o", out.string(), "-r", "-volid", kVolumeId};
  if (!r.grub.bios_modules.empty()) {
    // El Torito BIOS entry; --grub2-boot-info tells the core where it
    // starts, and boot_hybrid.img in the MBR loads it from a USB stick.
    argv.insert(argv.end(), {"-b", kIsoBiosImage, "-no-emul-boot", "-boot-load-size", "4", "-boot-info-table",
                             "--grub2-boot-info", "--grub2-mbr", (r.grub.bios_modules / "boot_hybrid.img").string()});
  }
  // El Torito UEFI entry (platform id 0xef), and the same FAT as a GPT
  // partition for UEFI firmware booting a USB stick; the MBR's partition
  // table gets the protective (0xee) entry that tells firmware to read the GPT.
  argv.insert(argv.end(), {"--efi-boot", kIsoEfiImage, "-efi-boot-part", "--efi-boot-image", "--protective-msdos-label",
                           root.string()});
  // Native commands from here. "uuid" is the date grub-mkrescue takes from
  // the clock: it sets the volume's creation and modification dates (the
  // latter is what GRUB calls the volume's UUID), the boot catalog's date
  // and, with gpt_disk_guid, the GPT's GUIDs. The effective date is the
  // epoch too; the expiry date stays "not set" (zeros), as the epoch it would
  // say the volume was obsolete the moment it was made. Files and the nodes
  // xorriso makes itself (folders, the boot catalog) are dated by the epoch.
  std::string epoch = "=" + std::to_string(r.epoch);
  argv.insert(argv.end(), {"--", "-volume_date", "uuid", iso_volume_uuid(r.epoch), "-volume_date", "f", epoch,
                           "-volume_date", "all_file_dates", epoch, "-iso_nowtime", epoch,
                           "-boot_image", "any", "gpt_disk_guid=volume_date_uuid"});
  return argv;
}

// The installation template (disk/install/template_install.h): install() run
// onto the smallest disk the layout allows, with no machine config, then
// compressed and wrapped in the second initramfs the ISO boots with.
void make_install_payload(const BuildRequest& r, const CheckedInputs& in, const AssembledSlot& slot, const fs::path& work,
                          const fs::path& out, Progress& progress) {
  // The ISO takes no --config: the template has none either.
  disk::InstallRequest install = disk_install_request(r, in, slot, work / "template.raw");
  write_file(install.disk, "");
  fs::resize_file(install.disk, disk::Layout::minimum_disk_size(install.sizes));
  disk::install(install, progress);
  progress.stage("install template");
  fs::path compressed = work / "disk.raw.zst";
  compress_file(install.disk, compressed, "zstd");
  fs::remove(install.disk);
  initramfs::make_install_initramfs(compressed, out, r.epoch);
}

}  // namespace

void make_iso(const BuildRequest& r, const CheckedInputs& in, const AssembledSlot& slot, const fs::path& work,
              const fs::path& out, Progress& progress) {
  require_programs();
  fs::path root = work / "iso";
  fs::create_directories(root / "boot/grub");
  fs::copy_file(r.kernel, root / "boot" / disk::slot_file::kKernel);
  fs::copy_file(slot.initramfs, root / "boot" / disk::slot_file::kInitramfs);
  fs::copy_file(slot.manifest, root / "boot/manifest.json");
  fs::copy_file(slot.signature, root / "boot/manifest.sig");
  make_install_payload(r, in, slot, work, root / "boot/install.img", progress);
  write_file(root / "boot/grub/grub.cfg", iso_grub_cfg(r.version, in.cmdline, r.arch));

  progress.stage("iso boot images");
  IsoBootImages images;
  images.grub = r.grub;
  images.root = root;
  images.work = work;
  images.marker = write_iso_marker(root);
  images.efi_volume_id = derive_volume_id({in.image_name, r.version, "ISO EFI"});
  images.epoch = r.epoch;
  make_iso_boot_images(images);
  set_tree_times(root, r.epoch);

  progress.stage("iso image");
  RunOptions options;
  // Whatever date xorriso has no option for follows it too.
  options.env = {{"SOURCE_DATE_EPOCH", std::to_string(r.epoch)}};
  run_checked(xorriso_argv(r, root, out), options);
}

BuildResult build_iso(const BuildRequest& r, Progress& progress, bool with_digests) {
  OutputPlan plan = plan_output(r, ".iso", progress, with_digests);
  if (plan.result.up_to_date) return plan.result;

  TempDir work("bronze-imager");
  AssembledSlot slot = assemble_slot(r, plan.in, work.path(), progress);
  progress.stage("iso");
  fs::path iso = work.path() / (plan.in.image_name + ".iso");
  make_iso(r, plan.in, slot, work.path(), iso, progress);
  publish_output(plan.paths, iso, r.compress, slot, plan.in.stamp, progress);
  plan.result.outputs = describe_outputs(plan.paths.all(), with_digests);
  return plan.result;
}

}  // namespace bronze::imager
