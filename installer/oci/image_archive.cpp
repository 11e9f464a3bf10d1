#include "installer/oci/image_archive.h"

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "installer/oci/layer_extract.h"
#include "installer/oci/manifest_selection.h"
#include "installer/oci/media_types.h"

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

}  // namespace

ImageArchive::ImageArchive(const fs::path& path, const std::string& arch) : archive_(path) {
  check_layout_file(archive_);
  ImageIndex index = parse_index(archive_.read_member("index.json", kMaxDocumentBytes));
  Descriptor chosen = select_manifest(index, arch, [this](const Descriptor& d) {
    return parse_index(archive_.read_blob(d, kMaxDocumentBytes, "image index"));
  });

  ImageManifest manifest = parse_manifest(archive_.read_blob(chosen, kMaxDocumentBytes, "manifest"));
  ImageConfig config = parse_config(archive_.read_blob(manifest.config, kMaxDocumentBytes, "config"));
  if (config.architecture != arch || config.os != "linux") {
    throw Error("image " + chosen.digest + " is for " + config.os + "/" + config.architecture + ", not linux/" + arch);
  }
  if (manifest.layers.size() != 1) {
    throw Error("image has " + std::to_string(manifest.layers.size()) +
                " layers; a Bronze installer image has exactly one");
  }
  const Descriptor& layer = manifest.layers.front();
  if (!is_layer_type(layer.media_type)) {
    throw Error("image layer has mediaType '" + layer.media_type + "', which is not an OCI tar layer");
  }
  if (config.diff_ids.size() != 1) throw Error("image config lists " + std::to_string(config.diff_ids.size()) +
                                               " diff_ids for 1 layer");
  // The digest of an uncompressed layer is its diff_id; a compressed layer's
  // diff_id would need the decompressed bytes hashed, and its digest covers it.
  if (layer.media_type == kLayerMediaType && config.diff_ids.front() != layer.digest) {
    throw Error("image config diff_id " + config.diff_ids.front() + " does not match layer " + layer.digest);
  }
  archive_.verify_blob(layer, "layer");

  auto ref = chosen.annotations.find(kRefNameAnnotation);
  info_ = ImageInfo{config.architecture,
                    ref == chosen.annotations.end() ? std::string() : ref->second,
                    chosen.digest,
                    manifest.annotations,
                    manifest.config,
                    layer};
}

void ImageArchive::extract(const fs::path& destination, uint64_t max_total_bytes) const {
  extract_layer(archive_, info_.layer, destination, max_total_bytes);
}

std::string ImageArchive::read_file(const std::string& path_in_layer, uint64_t max_bytes) const {
  return read_layer_file(archive_, info_.layer, path_in_layer, max_bytes);
}

}  // namespace bronze::oci
