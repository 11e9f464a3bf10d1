// Verification of a boot slot's content against a public key (docs/DESIGN.md
// decision 5: before a slot is written and again after), wherever the
// slot's ext4 filesystem lies: in a partition of a disk, or in a slot image
// file. Checks the manifest's signature, every artifact's digest (rootfs.sqfs
// inside the initramfs), and that slot.env, which GRUB reads, says exactly
// what the signed manifest says.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "signing/manifest.h"
#include "signing/trust_store.h"

namespace bronze::disk {

// Throws an Error naming the artifact, the signature or slot.env at fault.
signing::Manifest verify_slot(const std::filesystem::path& file, uint64_t offset, const signing::TrustStore& trust);

// One artifact of a slot as it lies there, streamed through its hash
// (rootfs.sqfs out of the initramfs): memory does not grow with the slot.
// Throws when the file is missing or unreadable.
signing::ArtifactDigest digest_slot_artifact(const std::filesystem::path& file, uint64_t offset,
                                             const std::string& name);

// What `bronzectl verify` reports (as `rauc status --detailed` and
// `veritysetup verify` do): every artifact checked, not only up to the
// first that differs.
struct ArtifactCheck {
  std::string name;
  uint64_t size = 0;          // what the signed manifest says
  std::string sha256;         // what the signed manifest says
  uint64_t found_size = 0;    // what the slot holds
  std::string found_sha256;
  std::string problem;        // empty when it matches
};

struct SlotCheck {
  std::string version;        // from the signed manifest
  std::string problem;        // the manifest or its signature, when they fail (no artifact is checked then)
  std::vector<ArtifactCheck> artifacts;  // the manifest's, then slot.env
  bool ok() const;
};

// Checks the manifest's signature against `trust`, then every artifact and
// slot.env, reporting each.
SlotCheck check_slot(const std::filesystem::path& file, uint64_t offset, const signing::TrustStore& trust);

}  // namespace bronze::disk
