// What the imager is asked to build (the profile, in Talos's terms): the
// platform, arch and version, the inputs, and what to write where. Every
// output starts from one (imager/main.cpp fills it from the command line).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "disk/boot/grub.h"

namespace bronze::imager {

struct BuildRequest {
  std::string platform;
  std::string arch = "amd64";
  std::string version = "dev";
  // Anti-rollback: signed into the manifest and the installer image's
  // signature; nodes refuse an image below the highest one they committed.
  uint64_t security_version = 0;
  std::filesystem::path out_dir = "_out";
  std::filesystem::path data_dir;  // holds platforms/ and kernel/cmdline/cmdline.yaml
  std::filesystem::path kernel;
  std::filesystem::path init;
  std::filesystem::path machined;
  std::filesystem::path installer;  // the node installer, for installer images
  std::optional<std::filesystem::path> signing_key;  // none: the development key
  std::optional<uint64_t> disk_size;                  // none: the platform's
  std::string format;                                 // empty: the platform's
  std::string output = "image";                       // see outputs.h
  std::string compress;                               // empty: none; zstd, xz or gz
  std::vector<std::string> extra_kernel_args;
  // A machine config to put into STATE (checked first); none: maintenance mode.
  std::optional<std::filesystem::path> machine_config;
  int64_t epoch = 0;
  disk::GrubPaths grub;
};

}  // namespace bronze::imager
