// The installer image as the installer and machined read it: an OCI image
// archive (the form `imager installer` writes and registries carry) whose
// signature covers every byte (installer_image/image_archive.h). Its layer
// holds the installer with its own loader and libraries, and
// payload/boot.ext4, the slot image (see slot_image.h).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "base/files.h"
#include "installer_image/layer_extract.h"
#include "signing/image_signature.h"
#include "signing/trust_store.h"

namespace bronze::oci {

constexpr const char* kPayloadSlotImage = "payload/boot.ext4";

class InstallerImage {
 public:
  InstallerImage(std::filesystem::path root, std::unique_ptr<TempDir> owned, signing::ImageClaims claims,
                 std::string manifest_digest, oci::ExtractedLayer extracted);
  // The unpacked layer.
  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path slot_image() const { return root_ / kPayloadSlotImage; }
  // What the signature says: version, arch, security version.
  const signing::ImageClaims& claims() const { return claims_; }
  const std::string& manifest_digest() const { return manifest_digest_; }
  // Throws unless the unpacked folder still holds exactly the verified bytes:
  // called right before they are used.
  void check_unchanged() const;

 private:
  std::filesystem::path root_;
  std::unique_ptr<TempDir> owned_;  // the unpacked archive, removed with this
  signing::ImageClaims claims_;
  std::string manifest_digest_;
  oci::ExtractedLayer extracted_;
};

// Verifies the `arch` image of an OCI archive against `trust` and only then
// unpacks it, every blob checked, into a temporary folder (under `work_dir`
// when given). Throws an Error naming what is wrong (unsigned, signed by
// another key or for another image, truncated archive, digest mismatch,
// `..` paths, no image for `arch`...). A folder is refused: nothing in it
// proves that a signature covers its files.
InstallerImage open_installer_image(const std::filesystem::path& image, const std::string& arch,
                                    const signing::TrustStore& trust, const std::filesystem::path& work_dir = {});

}  // namespace bronze::oci
