// Builds a platform's disk image: rootfs -> squashfs -> initramfs -> signed
// manifest -> disk (the installer run onto a file). Everything is written
// aside and moved into the output folder only when all of it succeeded.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/progress.h"
#include "installer/grub.h"

namespace bronze::imager {

struct BuildRequest {
  std::string platform;
  std::string arch = "amd64";
  std::string version = "dev";
  std::filesystem::path out_dir = "_out";
  std::filesystem::path data_dir;  // holds platforms/ and kernel/cmdline.yaml
  std::filesystem::path kernel;
  std::filesystem::path init;
  std::filesystem::path machined;
  std::optional<std::filesystem::path> signing_key;  // none: the development key
  std::optional<uint64_t> disk_size;                  // none: the platform's
  std::vector<std::string> extra_kernel_args;
  int64_t epoch = 0;
  installer::GrubPaths grub;
};

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
};

// `with_digests` fills size and sha256 of each output (reading them back).
BuildResult build_image(const BuildRequest& request, Progress& progress, bool with_digests);

}  // namespace bronze::imager
