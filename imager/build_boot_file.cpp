#include "imager/build_boot_file.h"

#include "base/error.h"
#include "base/files.h"
#include "imager/publish.h"

namespace bronze::imager {
namespace fs = std::filesystem;

BuildResult build_boot_file(const BuildRequest& r, Progress& progress, bool with_digests) {
  if (r.output != "kernel" && r.output != "initramfs") throw Error("build_boot_file: output " + r.output);
  progress.stage("check inputs");
  CheckedInputs in = check_inputs(r);
  BuildResult result;
  result.image_name = in.image_name;
  result.cmdline = in.cmdline;
  bool kernel = r.output == "kernel";
  OutputPaths paths = output_paths(r.out_dir, in.image_name, in.image_name + (kernel ? "-vmlinuz" : "-initramfs.img"), r.compress);
  if (outputs_current(paths.stamp, in.stamp, paths.all(), paths.manifest)) {
    progress.done();
    result.up_to_date = true;
    result.outputs = describe_outputs(paths.all(), with_digests);
    return result;
  }
  std::error_code ignored;
  fs::remove(paths.stamp, ignored);  // an interrupted build must not look current

  TempDir work("bronze-imager");
  // The whole slot, so that the manifest beside the file names the same
  // initramfs and root filesystem digests as the disk image's.
  AssembledSlot slot = assemble_slot(r, in, work.path(), progress);
  publish_output(paths, kernel ? r.kernel : slot.initramfs, r.compress, slot, in.stamp, progress);
  result.outputs = describe_outputs(paths.all(), with_digests);
  return result;
}

}  // namespace bronze::imager
