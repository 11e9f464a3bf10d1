#include "installer_image/image_archive.h"

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "installer_image/layer_extract.h"
#include "installer_image/manifest_selection.h"
#include "installer_image/media_types.h"
#include "installer_image/signature_artifact.h"

namespace bronze::oci {

namespace fs = std::filesystem;

namespace {

// Index, manifest and config are small; a bound keeps a hostile archive
// from making us allocate whatever its descriptors claim.
constexpr uint64_t kMaxDocumentBytes = 4 << 20;

void check_layout_file(const OuterArchive& archive) {
  std::string text = archive.read_member("oci-layout", kMaxDocumentBytes);
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object() || doc.value("imageLayoutVersion", nlohmann::json()) != kLayoutVersion) {
    throw Error("OCI archive " + archive.path().string() + ": oci-layout does not declare imageLayoutVersion " +
                kLayoutVersion);
  }
}

bool is_layer_type(const std::string& media_type) {
  return media_type == kLayerMediaType || media_type == kLayerGzipMediaType || media_type == kLayerZstdMediaType;
}

std::string ref_name_of(const Descriptor& d) {
  auto ref = d.annotations.find(kRefNameAnnotation);
  return ref == d.annotations.end() ? std::string() : ref->second;
}

// index.json split into the images and the signatures beside them.
struct SplitIndex {
  ImageIndex images;
  std::map<std::string, Descriptor> signatures;  // by tag
};

SplitIndex split_index(const ImageIndex& index) {
  SplitIndex split;
  split.images.annotations = index.annotations;
  for (const auto& d : index.manifests) {
    std::string ref = ref_name_of(d);
    if (is_signature_tag(ref)) {
      split.signatures.emplace(ref, d);
    } else {
      split.images.manifests.push_back(d);
    }
  }
  if (split.images.manifests.empty()) throw Error("the archive's index.json lists signatures but no image");
  return split;
}

}  // namespace

ImageArchive::ImageArchive(const fs::path& path, const std::string& arch, const signing::TrustStore& trust,
                           PayloadBlob payload_blob)
    : archive_(path) {
  check_layout_file(archive_);
  SplitIndex index = split_index(parse_index(archive_.read_member("index.json", kMaxDocumentBytes)));
  Descriptor chosen = select_manifest(index.images, arch, [this](const Descriptor& d) {
    return parse_index(archive_.read_blob(d, kMaxDocumentBytes, "image index"));
  });

  // The signature first: nothing of the image is parsed before a trusted key
  // vouches for the digest of its manifest.
  auto signature = index.signatures.find(signature_tag(chosen.digest));
  if (signature == index.signatures.end()) {
    throw Error("the image " + chosen.digest + " carries no signature (its index.json has no " +
                signature_tag(chosen.digest) + "): refusing an unsigned image; build it with `imager installer`");
  }
  signing::SignedPayload signed_payload = read_signature_artifact(
      archive_.read_blob(signature->second, kMaxDocumentBytes, "signature manifest"),
      [this](const Descriptor& d) { return archive_.read_blob(d, kMaxDocumentBytes, "signature payload"); });
  signing::ImageClaims claims = signing::verify_image_signature(signed_payload, trust, chosen.digest);
  if (claims.arch != arch) {
    throw Error("the image is signed as an " + claims.arch + " image; this machine is " + arch);
  }

  ImageManifest manifest = parse_manifest(archive_.read_blob(chosen, kMaxDocumentBytes, "manifest"));
  ImageConfig config = parse_config(archive_.read_blob(manifest.config, kMaxDocumentBytes, "config"));
  if (config.architecture != arch || config.os != "linux") {
    throw Error("image " + chosen.digest + " is for " + config.os + "/" + config.architecture + ", not linux/" + arch);
  }
  std::optional<Descriptor> payload, chunk_index;
  const auto& layers = manifest.layers;
  if (layers.size() >= 2 && layers.size() <= 3 && layers[1].media_type == kSlotPayloadMediaType &&
      (layers.size() == 2 || layers[2].media_type == kChunkIndexMediaType)) {
    payload = layers[1];
    if (layers.size() == 3) chunk_index = layers[2];
  } else if (layers.size() != 1) {
    throw Error("image has " + std::to_string(layers.size()) + " layers; a Bronze installer image has one tar layer "
                "and, after it, one " + kSlotPayloadMediaType + " and optionally its " + kChunkIndexMediaType);
  }
  const Descriptor& layer = manifest.layers.front();
  if (!is_layer_type(layer.media_type)) {
    throw Error("image layer has mediaType '" + layer.media_type + "', which is not an OCI tar layer");
  }
  if (config.diff_ids.size() != manifest.layers.size()) {
    throw Error("image config lists " + std::to_string(config.diff_ids.size()) + " diff_ids for " +
                std::to_string(manifest.layers.size()) + " layers");
  }
  // The digest of an uncompressed layer is its diff_id; a compressed layer's
  // diff_id would need the decompressed bytes hashed, and its digest covers it.
  if (layer.media_type == kLayerMediaType && config.diff_ids.front() != layer.digest) {
    throw Error("image config diff_id " + config.diff_ids.front() + " does not match layer " + layer.digest);
  }
  if (payload && config.diff_ids[1] != payload->digest) {
    throw Error("image config diff_id " + config.diff_ids[1] + " does not match the slot payload " + payload->digest);
  }
  if (chunk_index && config.diff_ids[2] != chunk_index->digest) {
    throw Error("image config diff_id " + config.diff_ids[2] + " does not match the chunk index " + chunk_index->digest);
  }
  if (chunk_index && chunk_index->size > kMaxChunkIndexBytes) {
    throw Error("the image's chunk index is " + std::to_string(chunk_index->size) + " bytes, more than the " +
                std::to_string(kMaxChunkIndexBytes) + " a node reads; refused");
  }
  if (chunk_index) archive_.verify_blob(*chunk_index, "chunk index");
  archive_.verify_blob(layer, "layer");
  bool payload_present = payload && archive_.has_blob(*payload);
  if (payload && !payload_present && payload_blob != PayloadBlob::kMayBeAbsent) {
    throw Error("the archive lacks the slot payload blob " + payload->digest + " its manifest names (truncated or "
                "incomplete archive); build or copy it again");
  }
  if (payload && payload_blob == PayloadBlob::kVerified) archive_.verify_blob(*payload, "slot payload");

  info_ = ImageInfo{config.architecture, ref_name_of(chosen), chosen.digest, manifest.annotations, manifest.config,
                    layer, payload, payload_present, chunk_index, std::move(claims)};
}

ExtractedLayer ImageArchive::extract(const fs::path& destination, uint64_t max_total_bytes) const {
  return extract_layer(archive_, info_.layer, destination, max_total_bytes);
}

std::string tagged_manifest_digest(const fs::path& archive, const std::string& tag) {
  OuterArchive outer(archive);
  for (const auto& d : parse_index(outer.read_member("index.json", kMaxDocumentBytes)).manifests) {
    if (ref_name_of(d) == tag) return d.digest;
  }
  throw Error("OCI archive " + archive.string() + " has no image tagged " + tag);
}

std::unique_ptr<BlobStream> ImageArchive::open_payload() const {
  if (!info_.payload) throw Error("the image has no slot payload layer (" + std::string(kSlotPayloadMediaType) + ")");
  if (!info_.payload_present) throw Error("the archive does not hold the slot payload " + info_.payload->digest);
  return archive_.open_blob(*info_.payload, "slot payload");
}

std::optional<std::string> ImageArchive::read_chunk_index() const {
  if (!info_.chunk_index) return std::nullopt;
  return archive_.read_blob(*info_.chunk_index, kMaxChunkIndexBytes, "chunk index");
}

std::string ImageArchive::read_file(const std::string& path_in_layer, uint64_t max_bytes) const {
  return read_layer_file(archive_, info_.layer, path_in_layer, max_bytes);
}

}  // namespace bronze::oci
