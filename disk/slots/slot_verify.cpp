#include "disk/slots/slot_verify.h"

#include <vector>

#include "base/error.h"
#include "base/sha256.h"
#include "disk/boot/boot_state.h"
#include "disk/filesystems/ext4.h"
#include "disk/install/install.h"
#include "initramfs/initramfs_reader.h"

namespace bronze::disk {

signing::Manifest verify_slot(const std::filesystem::path& file, uint64_t offset, const signing::TrustStore& trust) {
  auto read = [&](const std::string& name) { return read_from_ext4(file, offset, "/" + name); };
  std::string manifest_text = read(slot_file::kManifest);
  signing::Manifest manifest = signing::verify_manifest(manifest_text, read(slot_file::kSignature), trust);
  // Every artifact streams through its hash, the root filesystem out of the
  // initramfs as it is decompressed: memory does not grow with the slot.
  signing::verify_artifact_digests(manifest, [&](const std::string& name) {
    Sha256 hash;
    uint64_t size = 0;
    auto sink = [&](std::string_view piece) {
      hash.update(piece);
      size += piece.size();
    };
    if (name == "rootfs.sqfs") {
      Ext4FileReader initramfs(file, offset, std::string("/") + slot_file::kInitramfs);
      initramfs::stream_from_initramfs([&](char* buffer, size_t n) { return initramfs.read(buffer, n); }, name, sink);
    } else {
      Ext4FileReader artifact(file, offset, "/" + name);
      std::vector<char> buffer(1 << 20);
      while (size_t n = artifact.read(buffer.data(), buffer.size())) sink(std::string_view(buffer.data(), n));
    }
    return signing::ArtifactDigest{size, hash.hex_digest()};
  });
  if (read(slot_file::kSlotEnv) != encode_slot_env(manifest.version, manifest.cmdline)) {
    throw Error("slot.env does not match the signed manifest (version or kernel command line changed)");
  }
  return manifest;
}

}  // namespace bronze::disk
