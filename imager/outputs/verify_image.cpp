#include "imager/outputs/verify_image.h"

#include "base/error.h"
#include "base/files.h"
#include "disk/install/install.h"
#include "disk/partitions/gpt.h"
#include "disk/slots/slot_verify.h"
#include "initramfs/initramfs_reader.h"
#include "signing/trust_store.h"

namespace bronze::imager {
namespace fs = std::filesystem;

signing::Manifest verify_disk(const fs::path& disk, char slot, const fs::path& public_key) {
  auto trust = signing::TrustStore::load(public_key);
  if (!fs::is_regular_file(disk) && !fs::is_block_file(disk)) throw Error("image " + disk.string() + " not found");
  std::string label = std::string("BOOT-") + slot;
  auto partition = disk::find_partition(disk, label);
  try {
    return disk::verify_slot(disk, partition.start, trust);
  } catch (const Error& e) {
    throw Error(label + ": " + e.what());
  }
}

signing::Manifest verify_manifest_files(const fs::path& manifest_path, const std::optional<fs::path>& signature_path,
                                        const fs::path& artifacts_dir, const fs::path& public_key) {
  auto trust = signing::TrustStore::load(public_key);
  fs::path sig = signature_path.value_or(fs::path(manifest_path).replace_extension(".sig"));
  signing::Manifest manifest = signing::verify_manifest(read_file(manifest_path), read_file(sig), trust);
  auto read = [&](const std::string& name) {
    fs::path p = artifacts_dir / name;
    if (!fs::is_regular_file(p)) throw Error("artifact " + name + " not found in " + artifacts_dir.string());
    return read_file(p);
  };
  signing::verify_artifacts(manifest, read);
  // The folder holds rootfs.sqfs itself; check the copy inside the initramfs
  // too, since that is the one that boots.
  if (const signing::Artifact* rootfs = manifest.find("rootfs.sqfs")) {
    signing::Manifest inner = manifest;
    inner.artifacts = {*rootfs};
    signing::verify_artifacts(inner, [&](const std::string& name) {
      return initramfs::read_from_initramfs(read(disk::slot_file::kInitramfs), name);
    });
  }
  return manifest;
}

}  // namespace bronze::imager
