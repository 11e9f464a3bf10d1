// The part every output shares: check the inputs, then assemble a boot
// slot — rootfs -> squashfs -> initramfs -> signed manifest -> slot image.
// Disk images, ISOs, installer images, kernel and initramfs outputs are made
// from its result.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/files.h"
#include "base/progress.h"
#include "imager/profile/platform.h"
#include "disk/boot/grub.h"
#include "signing/ed25519.h"

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
  installer::GrubPaths grub;
};

// Inputs checked and read, before any work.
struct CheckedInputs {
  Platform platform;
  std::string image_name;  // "metal-amd64"
  std::string cmdline;
  uint64_t disk_size = 0;
  std::string format;  // the disk format to write
  signing::PrivateKey key;
  std::string public_pem;
  std::map<std::string, std::string> kspp_exceptions;  // project's and platform's
  std::optional<std::string> machine_config;  // its text, once it parsed
  std::string stamp;  // hash of every input: equal stamps, equal outputs
};

// Throws an Error naming the first bad input; writes nothing but the output
// folder (created when missing).
CheckedInputs check_inputs(const BuildRequest& request);

// A slot assembled in a work folder.
struct AssembledSlot {
  std::filesystem::path rootfs_sqfs;
  std::filesystem::path initramfs;
  std::filesystem::path manifest;   // manifest.json
  std::filesystem::path signature;  // manifest.sig
  std::filesystem::path slot_image; // slot.ext4
};

AssembledSlot assemble_slot(const BuildRequest& request, const CheckedInputs& inputs, const std::filesystem::path& work,
                            Progress& progress);

// What a stamp file records: the inputs' hash and, for an output with the
// signed manifest beside it, that manifest's digest. Several outputs of one
// image share the manifest's name, so another output built since (another
// version, say) may have replaced it; then this output is no longer current.
std::string stamp_record(const std::string& stamp, const std::optional<std::filesystem::path>& manifest);

// Whether the outputs `paths` exist and were made from inputs with `stamp`
// (kept in `stamp_file`), beside `manifest` when given.
bool outputs_current(const std::filesystem::path& stamp_file, const std::string& stamp,
                     const std::vector<std::filesystem::path>& paths,
                     const std::optional<std::filesystem::path>& manifest = std::nullopt);

}  // namespace bronze::imager
