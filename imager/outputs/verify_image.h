// Verification of a built image against a public key: the manifest's
// signature, then every artifact's size and digest. Reads a raw disk (the
// chosen boot slot) or a manifest with its artifacts in a folder.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "signing/manifest.h"

namespace bronze::imager {

// Verifies BOOT-<slot> of a raw disk image; throws an Error naming the
// artifact or the signature at fault.
signing::Manifest verify_disk(const std::filesystem::path& disk, char slot, const std::filesystem::path& public_key);

// Verifies a manifest and its detached signature (default: the manifest path
// with ".sig" for ".json") against the artifacts in `artifacts_dir`.
signing::Manifest verify_manifest_files(const std::filesystem::path& manifest,
                                        const std::optional<std::filesystem::path>& signature,
                                        const std::filesystem::path& artifacts_dir,
                                        const std::filesystem::path& public_key);

}  // namespace bronze::imager
