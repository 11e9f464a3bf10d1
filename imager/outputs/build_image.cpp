#include "imager/outputs/build_image.h"
#include "imager/outputs/up_to_date.h"

#include <optional>

#include "base/error.h"
#include "base/files.h"
#include "base/sha256.h"
#include "disk/install/install.h"
#include "disk/partitions/layout.h"
#include "imager/outputs/compress.h"
#include "imager/outputs/disk_formats.h"
#include "imager/profile/outputs.h"

namespace bronze::imager {
namespace fs = std::filesystem;

std::vector<OutputFile> describe_outputs(const std::vector<fs::path>& paths, bool with_digests) {
  std::vector<OutputFile> out;
  for (const auto& f : paths) out.push_back({f, fs::file_size(f), with_digests ? sha256_file_hex(f) : ""});
  return out;
}

disk::InstallRequest disk_install_request(const BuildRequest& r, const CheckedInputs& in, const AssembledSlot& slot,
                                               const fs::path& disk) {
  disk::InstallRequest install;
  install.disk = disk;
  install.image_name = in.image_name;
  install.version = r.version;
  install.security_version = r.security_version;
  install.sizes.boot = in.platform.boot_size;
  install.epoch = r.epoch;
  install.slot_image = slot.slot_image;
  install.grub = r.grub;
  install.machine_config = in.machine_config;
  return install;
}

BuildResult build_image(const BuildRequest& r, Progress& progress, bool with_digests) {
  progress.stage("check inputs");
  CheckedInputs in = check_inputs(r);
  BuildResult result;
  result.image_name = in.image_name;
  result.cmdline = in.cmdline;
  fs::path disk_path = compressed_path(r.out_dir / (in.image_name + "." + format_extension(in.format)), r.compress);
  fs::path manifest_path = r.out_dir / (in.image_name + ".manifest.json");
  fs::path signature_path = r.out_dir / (in.image_name + ".manifest.sig");
  fs::path stamp_path = r.out_dir / (in.image_name + ".inputs");
  // The artifacts the manifest names, for `imager verify --manifest`.
  fs::path artifacts_dir = r.out_dir / in.image_name;
  std::vector<fs::path> finals = {disk_path, manifest_path, signature_path, artifacts_dir / disk::slot_file::kKernel,
                                  artifacts_dir / disk::slot_file::kInitramfs, artifacts_dir / "rootfs.sqfs"};

  if (outputs_current(stamp_path, in.stamp, finals, manifest_path)) {
    progress.done();
    result.up_to_date = true;
    result.outputs = describe_outputs(finals, with_digests);
    return result;
  }
  std::error_code ignored;
  fs::remove(stamp_path, ignored);  // an interrupted build must not look current

  TempDir work("bronze-imager");
  AssembledSlot slot = assemble_slot(r, in, work.path(), progress);

  // The raw disk is made aside, then converted when the platform wants
  // another format.
  StagedFile staged_raw(r.out_dir / (in.image_name + ".raw"));
  StagedFile staged_manifest(manifest_path);
  StagedFile staged_signature(signature_path);
  fs::copy_file(slot.manifest, staged_manifest.path());
  fs::copy_file(slot.signature, staged_signature.path());
  // A sparse file of the disk's size; install() writes the rest.
  write_file(staged_raw.path(), "");
  fs::resize_file(staged_raw.path(), in.disk_size);
  disk::install(disk_install_request(r, in, slot, staged_raw.path()), progress);
  std::optional<StagedFile> staged_converted;
  if (in.format != "raw") {
    progress.stage("convert to " + in.format);
    staged_converted.emplace(r.compress.empty() ? disk_path : r.out_dir / (in.image_name + "." + format_extension(in.format)));
    convert_disk(staged_raw.path(), in.format, staged_converted->path(), in.image_name, r.epoch);
  }
  std::optional<StagedFile> staged_compressed;
  if (!r.compress.empty()) {
    progress.stage("compress with " + r.compress);
    staged_compressed.emplace(disk_path);
    compress_file(staged_converted ? staged_converted->path() : staged_raw.path(), staged_compressed->path(), r.compress);
  }

  progress.stage("publish");
  // Staged beside its destination, so the final rename stays on one filesystem.
  fs::path staged_artifacts = r.out_dir / ("." + in.image_name + ".partial");
  try {
    fs::remove_all(staged_artifacts);
    fs::create_directories(staged_artifacts);
    fs::copy_file(r.kernel, staged_artifacts / disk::slot_file::kKernel);
    fs::copy_file(slot.initramfs, staged_artifacts / disk::slot_file::kInitramfs);
    fs::copy_file(slot.rootfs_sqfs, staged_artifacts / "rootfs.sqfs");
    fs::remove_all(artifacts_dir);
    fs::rename(staged_artifacts, artifacts_dir);
  } catch (...) {
    fs::remove_all(staged_artifacts, ignored);
    throw;
  }
  if (staged_compressed) {
    staged_compressed->commit();
  } else if (staged_converted) {
    staged_converted->commit();
  } else {
    staged_raw.commit();
  }
  staged_manifest.commit();
  staged_signature.commit();
  write_file(stamp_path, stamp_record(in.stamp, manifest_path));
  progress.done();
  result.outputs = describe_outputs(finals, with_digests);
  return result;
}

}  // namespace bronze::imager
