#include "imager/outputs/publish.h"
#include "imager/outputs/up_to_date.h"

#include "base/files.h"
#include "imager/outputs/compress.h"
#include "imager/profile/outputs.h"

namespace bronze::imager {
namespace fs = std::filesystem;

OutputPaths output_paths(const fs::path& out_dir, const std::string& image_name, const std::string& file_name,
                         const std::string& compression) {
  OutputPaths p;
  p.file = compressed_path(out_dir / file_name, compression);
  p.manifest = out_dir / (image_name + ".manifest.json");
  p.signature = out_dir / (image_name + ".manifest.sig");
  p.stamp = out_dir / (file_name + ".inputs");
  return p;
}

OutputPlan plan_output(const BuildRequest& r, const std::string& file_suffix, Progress& progress, bool with_digests) {
  progress.stage("check inputs");
  OutputPlan plan{check_inputs(r), {}, {}};
  plan.result.image_name = plan.in.image_name;
  plan.result.cmdline = plan.in.cmdline;
  plan.paths = output_paths(r.out_dir, plan.in.image_name, plan.in.image_name + file_suffix, r.compress);
  if (outputs_current(plan.paths.stamp, plan.in.stamp, plan.paths.all(), plan.paths.manifest)) {
    progress.done();
    plan.result.up_to_date = true;
    plan.result.outputs = describe_outputs(plan.paths.all(), with_digests);
    return plan;
  }
  std::error_code ignored;
  fs::remove(plan.paths.stamp, ignored);  // an interrupted build must not look current
  return plan;
}

void publish_output(const OutputPaths& paths, const fs::path& made, const std::string& compression,
                    const AssembledSlot& slot, const std::string& stamp, Progress& progress) {
  StagedFile staged_file(paths.file);
  if (compression.empty()) {
    progress.stage("publish");
    fs::copy_file(made, staged_file.path());
  } else {
    progress.stage("compress with " + compression);
    compress_file(made, staged_file.path(), compression);
    progress.stage("publish");
  }
  StagedFile staged_manifest(paths.manifest);
  StagedFile staged_signature(paths.signature);
  fs::copy_file(slot.manifest, staged_manifest.path());
  fs::copy_file(slot.signature, staged_signature.path());
  staged_file.commit();
  staged_manifest.commit();
  staged_signature.commit();
  write_file(paths.stamp, stamp_record(stamp, paths.manifest));
  progress.done();
}

}  // namespace bronze::imager
