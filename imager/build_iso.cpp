#include "imager/build_iso.h"

#include "base/error.h"
#include "base/files.h"
#include "base/subprocess.h"
#include "imager/iso_grub_cfg.h"
#include "imager/publish.h"
#include "installer/install.h"

namespace bronze::imager {
namespace fs = std::filesystem;

namespace {

// What the ISO's GRUB loads at run time (with their dependencies), for both
// BIOS and UEFI; grub-mkrescue builds its own core images for each. The
// rest of GRUB's modules, fonts, locales and themes would only make it larger.
constexpr const char* kGrubModules =
    "normal linux serial terminal echo test configfile search iso9660 part_msdos part_gpt fat";

// The volume label a USB stick shows.
constexpr const char* kVolumeId = "BRONZE";

void require_program(const std::string& program, const std::string& package) {
  if (!program_exists(program)) {
    throw Error(program + " not found; the ISO needs it (Debian package " + package + ", see scripts/debian-packages.txt)");
  }
}

}  // namespace

void make_iso(const BuildRequest& r, const CheckedInputs& in, const AssembledSlot& slot, const fs::path& work,
              const fs::path& out) {
  require_program("grub-mkrescue", "grub-common");
  require_program("xorriso", "xorriso");
  fs::path root = work / "iso";
  fs::create_directories(root / "boot/grub");
  fs::copy_file(r.kernel, root / "boot" / installer::slot_file::kKernel);
  fs::copy_file(slot.initramfs, root / "boot" / installer::slot_file::kInitramfs);
  fs::copy_file(slot.manifest, root / "boot/manifest.json");
  fs::copy_file(slot.signature, root / "boot/manifest.sig");
  write_file(root / "boot/grub/grub.cfg", iso_grub_cfg(r.version, in.cmdline));
  set_tree_times(root, r.epoch);

  std::string epoch = std::to_string(r.epoch);
  RunOptions options;
  // xorriso and mtools date what they write by it.
  options.env = {{"SOURCE_DATE_EPOCH", epoch}};
  run_checked({"grub-mkrescue", "--output=" + out.string(), std::string("--install-modules=") + kGrubModules,
               "--fonts=", "--locales=", "--themes=", "-volid", kVolumeId, root.string(),
               // Native xorriso from here: GRUB's own files were copied just
               // now; date them, like ours, by the epoch.
               "--", "-volume_date", "all_file_dates", "=" + epoch},
              options);
}

BuildResult build_iso(const BuildRequest& r, Progress& progress, bool with_digests) {
  OutputPlan plan = plan_output(r, ".iso", progress, with_digests);
  if (plan.result.up_to_date) return plan.result;

  TempDir work("bronze-imager");
  AssembledSlot slot = assemble_slot(r, plan.in, work.path(), progress);
  progress.stage("iso");
  fs::path iso = work.path() / (plan.in.image_name + ".iso");
  make_iso(r, plan.in, slot, work.path(), iso);
  publish_output(plan.paths, iso, r.compress, slot, plan.in.stamp, progress);
  plan.result.outputs = describe_outputs(plan.paths.all(), with_digests);
  return plan.result;
}

}  // namespace bronze::imager
