// Puts one finished output into the output folder with the signed manifest
// beside it: every file is staged beside its destination and renamed only
// once all are written, so a failure leaves nothing half-written; the stamp
// that makes the next unchanged build a no-op comes last.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "imager/assemble/assemble_slot.h"
#include "imager/outputs/build_image.h"

namespace bronze::imager {

struct OutputPaths {
  std::filesystem::path file;       // the output, with the compression's extension
  std::filesystem::path manifest;   // NAME.manifest.json
  std::filesystem::path signature;  // NAME.manifest.sig
  std::filesystem::path stamp;      // the uncompressed file name + .inputs
  std::vector<std::filesystem::path> all() const { return {file, manifest, signature}; }
};

// `file_name`: the uncompressed output's name in `out_dir` ("metal-amd64.iso").
OutputPaths output_paths(const std::filesystem::path& out_dir, const std::string& image_name,
                         const std::string& file_name, const std::string& compression);

// The start every single-file output shares: the inputs checked, the paths
// named (the output is `in.image_name` + `file_suffix`), and, when the files
// on disk came from the same inputs, `result` complete with up_to_date set:
// then there is nothing to build.
struct OutputPlan {
  CheckedInputs in;
  OutputPaths paths;
  BuildResult result;
};
OutputPlan plan_output(const BuildRequest& r, const std::string& file_suffix, Progress& progress, bool with_digests);

// Publishes `made` (compressed on the way when `compression` is set) and the
// slot's signed manifest at `paths`, then writes the stamp.
void publish_output(const OutputPaths& paths, const std::filesystem::path& made, const std::string& compression,
                    const AssembledSlot& slot, const std::string& stamp, Progress& progress);

}  // namespace bronze::imager
