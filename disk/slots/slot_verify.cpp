#include "disk/slots/slot_verify.h"

#include "base/error.h"
#include "disk/boot/boot_state.h"
#include "disk/filesystems/ext4.h"
#include "disk/install/install.h"
#include "initramfs/initramfs_reader.h"

namespace bronze::disk {

signing::Manifest verify_slot(const std::filesystem::path& file, uint64_t offset, const signing::TrustStore& trust) {
  auto read = [&](const std::string& name) { return read_from_ext4(file, offset, "/" + name); };
  std::string manifest_text = read(slot_file::kManifest);
  signing::Manifest manifest = signing::verify_manifest(manifest_text, read(slot_file::kSignature), trust);
  std::string initramfs;
  signing::verify_artifacts(manifest, [&](const std::string& name) {
    if (name == "rootfs.sqfs") {
      if (initramfs.empty()) initramfs = read(slot_file::kInitramfs);
      return initramfs::read_from_initramfs(initramfs, name);
    }
    std::string bytes = read(name);
    if (name == slot_file::kInitramfs) initramfs = bytes;
    return bytes;
  });
  if (read(slot_file::kSlotEnv) != encode_slot_env(manifest.version, manifest.cmdline)) {
    throw Error("slot.env does not match the signed manifest (version or kernel command line changed)");
  }
  return manifest;
}

}  // namespace bronze::disk
