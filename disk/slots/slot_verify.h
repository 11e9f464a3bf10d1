// Verification of a boot slot's content against a public key (docs/DESIGN.md
// decision 5: before a slot is written and again after), wherever the
// slot's ext4 filesystem lies: in a partition of a disk, or in a slot image
// file. Checks the manifest's signature, every artifact's digest (rootfs.sqfs
// inside the initramfs), and that slot.env, which GRUB reads, says exactly
// what the signed manifest says.
#pragma once

#include <cstdint>
#include <filesystem>

#include "signing/manifest.h"
#include "signing/trust_store.h"

namespace bronze::disk {

// Throws an Error naming the artifact, the signature or slot.env at fault.
signing::Manifest verify_slot(const std::filesystem::path& file, uint64_t offset, const signing::TrustStore& trust);

}  // namespace bronze::disk
