#include "imager/verify_image.h"

#include "base/error.h"
#include "base/files.h"
#include "imager/initramfs.h"
#include "installer/ext4.h"
#include "installer/gpt.h"
#include "installer/install.h"
#include "signing/ed25519.h"

namespace bronze::imager {
namespace fs = std::filesystem;

namespace {

// rootfs.sqfs travels inside the initramfs; every other artifact is a file.
signing::ArtifactReader reader_with_rootfs(std::function<std::string(const std::string&)> read_file_named) {
  return [read_file_named](const std::string& name) {
    if (name == "rootfs.sqfs") return read_from_initramfs(read_file_named(installer::slot_file::kInitramfs), name);
    return read_file_named(name);
  };
}

}  // namespace

signing::Manifest verify_disk(const fs::path& disk, char slot, const fs::path& public_key) {
  auto key = signing::PublicKey::load(public_key);
  if (!fs::is_regular_file(disk) && !fs::is_block_file(disk)) throw Error("image " + disk.string() + " not found");
  std::string label = std::string("BOOT-") + slot;
  auto partition = installer::find_partition(disk, label);
  auto read = [&](const std::string& name) {
    try {
      return installer::read_from_ext4(disk, partition.start, "/" + name);
    } catch (const Error& e) {
      throw Error(label + ": " + e.what());
    }
  };
  std::string manifest_text = read(installer::slot_file::kManifest);
  std::string signature = read(installer::slot_file::kSignature);
  signing::Manifest manifest = signing::verify_manifest(manifest_text, signature, key);
  signing::verify_artifacts(manifest, reader_with_rootfs(read));
  return manifest;
}

signing::Manifest verify_manifest_files(const fs::path& manifest_path, const std::optional<fs::path>& signature_path,
                                        const fs::path& artifacts_dir, const fs::path& public_key) {
  auto key = signing::PublicKey::load(public_key);
  fs::path sig = signature_path.value_or(fs::path(manifest_path).replace_extension(".sig"));
  std::string manifest_text = read_file(manifest_path);
  std::string signature = read_file(sig);
  signing::Manifest manifest = signing::verify_manifest(manifest_text, signature, key);
  auto read = [&](const std::string& name) {
    fs::path p = artifacts_dir / name;
    if (!fs::is_regular_file(p)) throw Error("artifact " + name + " not found in " + artifacts_dir.string());
    return read_file(p);
  };
  // The folder holds rootfs.sqfs itself, but check the copy inside the
  // initramfs too: that is the one that boots.
  signing::verify_artifacts(manifest, read);
  const signing::Artifact* rootfs = manifest.find("rootfs.sqfs");
  if (rootfs) {
    signing::Manifest inner = manifest;
    inner.artifacts = {*rootfs};
    signing::verify_artifacts(inner, reader_with_rootfs(read));
  }
  return manifest;
}

}  // namespace bronze::imager
