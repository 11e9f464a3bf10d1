// An OCI image archive opened for installation: the manifest for one
// architecture found (in a single-image or multi-arch index), its signature
// verified against the trust store before the manifest is parsed, and every
// blob the manifest names checked against its size and sha256 before
// anything is used.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "installer_image/documents.h"
#include "installer_image/layer_extract.h"
#include "installer_image/outer_archive.h"
#include "signing/image_signature.h"
#include "signing/trust_store.h"

namespace bronze::oci {

struct ImageInfo {
  std::string architecture;
  std::string ref_name;         // the index entry's org.opencontainers.image.ref.name, if any
  std::string manifest_digest;  // "sha256:..."
  Annotations annotations;      // the manifest's
  Descriptor config;
  Descriptor layer;
  // The raw slot image layer (kSlotPayloadMediaType), when the image has one.
  std::optional<Descriptor> payload;
  bool payload_present = false;  // its blob is in this archive (a streamed upgrade's is not)
  // The slot image's chunk index (kChunkIndexMediaType), when the image has one.
  std::optional<Descriptor> chunk_index;
  signing::ImageClaims claims;  // what the signature says: version, arch, security version
};

// 36 bytes per chunk of 16 KiB on average: enough for a 29 GiB slot image.
inline constexpr uint64_t kMaxChunkIndexBytes = 64ull << 20;

enum class PayloadBlob {
  kRequired,    // the archive must hold the payload layer's blob, when the manifest names one
  kVerified,    // ... and it is hashed now too, for a caller that acts on the image before writing it
  kMayBeAbsent  // a node that streams the payload from a registry keeps only the rest
};

class ImageArchive {
 public:
  // Throws when the archive is not an OCI image layout, has no manifest for
  // `arch` (naming the architectures it has), carries no signature for that
  // manifest or one no key of `trust` made (or made for another image), has
  // a blob that does not match its descriptor (naming the blob), or has other
  // layers than one tar layer and, optionally, one slot payload after it
  // and that payload's chunk index after that.
  // The payload blob is hashed here only with kVerified: it is streamed, and
  // whoever reads it (open_payload) checks its size and digest as it passes.
  ImageArchive(const std::filesystem::path& path, const std::string& arch, const signing::TrustStore& trust,
               PayloadBlob payload_blob = PayloadBlob::kRequired);

  const ImageInfo& info() const { return info_; }
  const Annotations& annotations() const { return info_.annotations; }

  // See extract_layer: `destination` must not exist; nothing is left there on
  // failure. Returns what was written, for check_extracted_folder.
  ExtractedLayer extract(const std::filesystem::path& destination, uint64_t max_total_bytes) const;
  // One file of the layer, read into memory without extracting.
  std::string read_file(const std::string& path_in_layer, uint64_t max_bytes) const;
  // The payload blob as a stream checked against its descriptor at finish();
  // throws when the image has none or the archive does not hold it.
  std::unique_ptr<BlobStream> open_payload() const;
  // The chunk index's bytes, checked against its descriptor; none when the
  // image has no index.
  std::optional<std::string> read_chunk_index() const;

 private:
  OuterArchive archive_;
  ImageInfo info_;
};

// The digest of the manifest tagged `tag` in an archive's index.json, as it
// says, unverified: for telling a user what a signature must name.
std::string tagged_manifest_digest(const std::filesystem::path& archive, const std::string& tag);

}  // namespace bronze::oci
