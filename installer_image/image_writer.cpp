#include "installer_image/image_writer.h"

#include <ctime>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/files.h"
#include "base/sha256.h"
#include "installer_image/layer_paths.h"
#include "installer_image/media_types.h"
#include "installer_image/reproducible_tar.h"
#include "installer_image/signature_artifact.h"

namespace bronze::oci {

namespace {

namespace fs = std::filesystem;

void check_spec(const ImageSpec& spec) {
  if (spec.arch != "amd64" && spec.arch != "arm64") {
    throw Error("OCI image: unknown architecture '" + spec.arch + "' (expected amd64 or arm64)");
  }
  if (spec.tag.empty()) throw Error("OCI image: the tag (org.opencontainers.image.ref.name) is empty");
  if (spec.files.empty()) throw Error("OCI image: no files for the layer");
  if (!spec.chunk_index.empty() && spec.slot_payload.empty()) {
    throw Error("OCI image: a chunk index without the slot image it indexes");
  }
  if (spec.annotations.count(kRefNameAnnotation)) {
    throw Error(std::string("OCI image: give the tag as the tag, not as the annotation ") + kRefNameAnnotation);
  }
  for (const auto& f : spec.files) {
    // The reader refuses what it could not extract safely; so does the writer.
    if (normalize_layer_path(f.path) != f.path || f.path.empty()) {
      throw Error("OCI image: layer path '" + f.path + "' is not a plain relative path such as 'usr/lib/x'");
    }
  }
}

Descriptor describe(const std::string& media_type, const std::string& blob) {
  return {media_type, "sha256:" + sha256_hex(blob), blob.size(), {}, std::nullopt};
}

TarEntry blob_entry(const Descriptor& d, std::string data) {
  return {"blobs/sha256/" + d.hex(), TarEntry::Kind::kFileFromMemory, {}, std::move(data), 0644};
}

}  // namespace

std::string rfc3339_utc(int64_t epoch) {
  std::time_t t = static_cast<std::time_t>(epoch);
  std::tm utc{};
  if (!gmtime_r(&t, &utc)) throw Error("epoch " + std::to_string(epoch) + " is out of range");
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

void write_image_archive(const ImageSpec& spec, const fs::path& output) {
  check_spec(spec);

  // The layer goes to a scratch file beside the output (the same file
  // system, which has room for the output anyway); never committed, it is
  // removed however this function ends.
  StagedFile layer_scratch(fs::path(output).concat(".layer"));
  std::vector<TarEntry> layer_entries;
  for (const auto& f : spec.files) {
    layer_entries.push_back({f.path, TarEntry::Kind::kFileFromDisk, f.source, {}, f.mode});
  }
  write_reproducible_tar(std::move(layer_entries), layer_scratch.path(), spec.epoch);
  uint64_t layer_size = 0;
  std::string layer_hex = sha256_file_hex(layer_scratch.path(), &layer_size);
  Descriptor layer{kLayerMediaType, "sha256:" + layer_hex, layer_size, {}, std::nullopt};
  std::vector<Descriptor> layers = {layer};
  if (!spec.slot_payload.empty()) {
    uint64_t payload_size = 0;
    std::string payload_hex = sha256_file_hex(spec.slot_payload, &payload_size);
    layers.push_back(Descriptor{kSlotPayloadMediaType, "sha256:" + payload_hex, payload_size, {}, std::nullopt});
  }
  if (!spec.chunk_index.empty()) layers.push_back(describe(kChunkIndexMediaType, spec.chunk_index));
  std::vector<std::string> diff_ids;
  for (const auto& l : layers) diff_ids.push_back(l.digest);  // uncompressed: the digest is the diff_id

  ImageConfig config{spec.arch, "linux", diff_ids, spec.annotations};
  std::string config_json = to_json(config, rfc3339_utc(spec.epoch));
  Descriptor config_descriptor = describe(kConfigMediaType, config_json);

  ImageManifest manifest{config_descriptor, layers, spec.annotations};
  std::string manifest_json = to_json(manifest);
  Descriptor manifest_descriptor = describe(kManifestMediaType, manifest_json);
  manifest_descriptor.annotations = spec.annotations;
  manifest_descriptor.annotations[kRefNameAnnotation] = spec.tag;
  manifest_descriptor.platform = Platform{spec.arch, "linux"};

  ImageIndex index{{manifest_descriptor}, {}};
  std::vector<TarEntry> outer = {
      blob_entry(manifest_descriptor, manifest_json),
      blob_entry(config_descriptor, config_json),
      {"blobs/sha256/" + layer.hex(), TarEntry::Kind::kFileFromDisk, layer_scratch.path(), {}, 0644},
  };
  if (layers.size() >= 2 && layers[1].digest != layer.digest) {
    outer.push_back({"blobs/sha256/" + layers[1].hex(), TarEntry::Kind::kFileFromDisk, spec.slot_payload, {}, 0644});
  }
  if (layers.size() == 3) outer.push_back(blob_entry(layers[2], spec.chunk_index));
  if (spec.sign) {
    SignatureArtifact signature = make_signature_artifact(spec.sign(manifest_descriptor.digest));
    Descriptor signature_descriptor = describe(kManifestMediaType, signature.manifest);
    signature_descriptor.annotations[kRefNameAnnotation] = signature_tag(manifest_descriptor.digest);
    index.manifests.push_back(signature_descriptor);
    outer.push_back(blob_entry(signature_descriptor, signature.manifest));
    outer.push_back(blob_entry(describe(kConfigMediaType, signature.config), signature.config));
    outer.push_back(blob_entry(describe(kSimpleSigningMediaType, signature.payload), signature.payload));
  }
  outer.push_back({"oci-layout", TarEntry::Kind::kFileFromMemory, {},
                   nlohmann::json{{"imageLayoutVersion", kLayoutVersion}}.dump(), 0644});
  outer.push_back({"index.json", TarEntry::Kind::kFileFromMemory, {}, to_json(index), 0644});
  StagedFile staged(output);
  write_reproducible_tar(std::move(outer), staged.path(), spec.epoch);
  staged.commit();
}

}  // namespace bronze::oci
