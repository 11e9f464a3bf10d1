// The disk image output: the installer run onto a file (docs/DESIGN.md decision
// 1), with the signed manifest and the artifacts beside it. Everything is
// written aside and moved into the output folder only when all succeeded.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/progress.h"
#include "disk/install/install.h"
#include "imager/assemble/assemble_slot.h"

namespace bronze::imager {

struct OutputFile {
  std::filesystem::path path;
  uint64_t size = 0;
  std::string sha256;
};

struct BuildResult {
  std::string image_name;  // "metal-amd64"
  std::string cmdline;
  bool up_to_date = false;  // nothing changed since the last build
  std::vector<OutputFile> outputs;
  // An installer image's signature: the tag it is published under, beside
  // the image (sha256-<hex>.sig).
  std::string signature_tag;
};

// `with_digests` fills size and sha256 of each output (reading them back).
BuildResult build_image(const BuildRequest& request, Progress& progress, bool with_digests);

// What install() needs to write `slot`'s disk onto `disk` (a sparse file of
// the disk's size), with the machine config of the inputs, if any.
disk::InstallRequest disk_install_request(const BuildRequest& request, const CheckedInputs& inputs,
                                               const AssembledSlot& slot, const std::filesystem::path& disk);

// Size and, when asked, digest of each file.
std::vector<OutputFile> describe_outputs(const std::vector<std::filesystem::path>& paths, bool with_digests);

}  // namespace bronze::imager
