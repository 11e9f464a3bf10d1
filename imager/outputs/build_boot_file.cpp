#include "imager/outputs/build_boot_file.h"

#include "base/error.h"
#include "base/files.h"
#include "imager/outputs/publish.h"

namespace bronze::imager {
namespace fs = std::filesystem;

BuildResult build_boot_file(const BuildRequest& r, Progress& progress, bool with_digests) {
  if (r.output != "kernel" && r.output != "initramfs") throw Error("build_boot_file: output " + r.output);
  bool kernel = r.output == "kernel";
  OutputPlan plan = plan_output(r, kernel ? "-vmlinuz" : "-initramfs.img", progress, with_digests);
  if (plan.result.up_to_date) return plan.result;

  TempDir work("bronze-imager");
  // The whole slot, so that the manifest beside the file names the same
  // initramfs and root filesystem digests as the disk image's.
  AssembledSlot slot = assemble_slot(r, plan.in, work.path(), progress);
  publish_output(plan.paths, kernel ? r.kernel : slot.initramfs, r.compress, slot, plan.in.stamp, progress);
  plan.result.outputs = describe_outputs(plan.paths.all(), with_digests);
  return plan.result;
}

}  // namespace bronze::imager
