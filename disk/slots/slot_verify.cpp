#include "disk/slots/slot_verify.h"

#include <vector>

#include "base/error.h"
#include "base/sha256.h"
#include "disk/boot/boot_state.h"
#include "disk/filesystems/ext4.h"
#include "disk/install/install.h"
#include "initramfs/initramfs_reader.h"

namespace bronze::disk {

signing::ArtifactDigest digest_slot_artifact(const std::filesystem::path& file, uint64_t offset,
                                             const std::string& name) {
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
}

signing::Manifest verify_slot(const std::filesystem::path& file, uint64_t offset, const signing::TrustStore& trust) {
  auto read = [&](const std::string& name) { return read_from_ext4(file, offset, "/" + name); };
  std::string manifest_text = read(slot_file::kManifest);
  signing::Manifest manifest = signing::verify_manifest(manifest_text, read(slot_file::kSignature), trust);
  signing::verify_artifact_digests(
      manifest, [&](const std::string& name) { return digest_slot_artifact(file, offset, name); });
  if (read(slot_file::kSlotEnv) != encode_slot_env(manifest.version, manifest.cmdline)) {
    throw Error("slot.env does not match the signed manifest (version or kernel command line changed)");
  }
  return manifest;
}

bool SlotCheck::ok() const {
  if (!problem.empty()) return false;
  for (const auto& a : artifacts) {
    if (!a.problem.empty()) return false;
  }
  return true;
}

SlotCheck check_slot(const std::filesystem::path& file, uint64_t offset, const signing::TrustStore& trust) {
  SlotCheck check;
  auto read = [&](const std::string& name) { return read_from_ext4(file, offset, "/" + name); };
  signing::Manifest manifest;
  try {
    manifest = signing::verify_manifest(read(slot_file::kManifest), read(slot_file::kSignature), trust);
  } catch (const std::exception& e) {
    check.problem = std::string("the signed manifest: ") + e.what();
    return check;
  }
  check.version = manifest.version;
  for (const auto& artifact : manifest.artifacts) {
    ArtifactCheck a{artifact.name, artifact.size, artifact.sha256, 0, "", ""};
    try {
      signing::ArtifactDigest found = digest_slot_artifact(file, offset, artifact.name);
      a.found_size = found.size;
      a.found_sha256 = found.sha256;
      if (found.size != artifact.size) {
        a.problem = std::to_string(found.size) + " bytes, the manifest says " + std::to_string(artifact.size);
      } else if (found.sha256 != artifact.sha256) {
        a.problem = "does not match its digest";
      }
    } catch (const std::exception& e) {
      a.problem = e.what();
    }
    check.artifacts.push_back(a);
  }
  // slot.env is not an artifact of the manifest: GRUB reads it, and it must
  // say what the manifest says.
  std::string env = encode_slot_env(manifest.version, manifest.cmdline);
  ArtifactCheck slot_env{slot_file::kSlotEnv, env.size(), sha256_hex(env), 0, "", ""};
  try {
    std::string found = read(slot_file::kSlotEnv);
    slot_env.found_size = found.size();
    slot_env.found_sha256 = sha256_hex(found);
    if (found != env) slot_env.problem = "does not say the signed manifest's version and kernel command line";
  } catch (const std::exception& e) {
    slot_env.problem = e.what();
  }
  check.artifacts.push_back(slot_env);
  return check;
}

}  // namespace bronze::disk
