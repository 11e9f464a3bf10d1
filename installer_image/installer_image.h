// The installer image as the installer and machined read it: an OCI image
// archive (the form `imager installer` writes and registries carry) whose
// signature covers every byte (installer_image/image_archive.h). Its first
// layer holds the installer with its own loader and libraries; its second,
// raw, is the slot image (kSlotPayloadMediaType, see slot_image.h), which is
// never unpacked: it is streamed into the slot.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "base/files.h"
#include "installer_image/image_archive.h"
#include "installer_image/layer_extract.h"
#include "signing/image_signature.h"
#include "signing/trust_store.h"

namespace bronze::oci {

class InstallerImage {
 public:
  InstallerImage(std::filesystem::path root, std::unique_ptr<TempDir> owned, ImageArchive archive,
                 oci::ExtractedLayer extracted);
  // The unpacked installer layer.
  const std::filesystem::path& root() const { return root_; }
  // What the signature says: version, arch, security version.
  const signing::ImageClaims& claims() const { return archive_.info().claims; }
  const std::string& manifest_digest() const { return archive_.info().manifest_digest; }
  // The slot image's descriptor (size and digest), from the signed manifest.
  const Descriptor& payload() const { return *archive_.info().payload; }
  // Whether the archive holds the slot image's bytes (see PayloadBlob).
  bool payload_present() const { return archive_.info().payload_present; }
  // The slot image's chunk index (chunks/chunk_index.h), verified; none when
  // the image was built without one.
  std::optional<std::string> chunk_index() const { return archive_.read_chunk_index(); }
  // Those bytes, checked against the descriptor as they pass.
  std::unique_ptr<BlobStream> open_payload() const { return archive_.open_payload(); }
  // Throws unless the unpacked folder still holds exactly the verified bytes:
  // called right before they are used.
  void check_unchanged() const;

 private:
  std::filesystem::path root_;
  std::unique_ptr<TempDir> owned_;  // the unpacked layer, removed with this
  ImageArchive archive_;
  oci::ExtractedLayer extracted_;
};

// Verifies the `arch` image of an OCI archive against `trust` and only then
// unpacks its installer layer, every blob checked, into a temporary folder
// (under `work_dir` when given). Throws an Error naming what is wrong
// (unsigned, signed by another key or for another image, truncated archive,
// digest mismatch, `..` paths, no image for `arch`, no slot image layer...).
// A folder is refused: nothing in it proves that a signature covers its files.
InstallerImage open_installer_image(const std::filesystem::path& image, const std::string& arch,
                                    const signing::TrustStore& trust, const std::filesystem::path& work_dir = {},
                                    PayloadBlob payload_blob = PayloadBlob::kRequired);

}  // namespace bronze::oci
