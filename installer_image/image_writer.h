// Writes an image as an OCI image layout inside a tar ("oci-archive"), the
// form `skopeo copy oci-archive:PATH docker://...` pushes. One uncompressed
// layer holds the given files; a second, raw, the slot image when given, and
// a third that image's chunk index.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "installer_image/documents.h"
#include "signing/image_signature.h"

namespace bronze::oci {

struct LayerFile {
  std::string path;  // inside the layer, relative: "usr/share/bronze/rootfs.sqfs"
  std::filesystem::path source;
  uint32_t mode = 0644;
};

struct ImageSpec {
  std::vector<LayerFile> files;
  // The slot image, as a second layer of type kSlotPayloadMediaType; empty: none.
  std::filesystem::path slot_payload;
  // The slot image's chunk index (chunks/chunk_index.h), as a third layer of
  // type kChunkIndexMediaType; empty: none. Only with a slot payload.
  std::string chunk_index;
  Annotations annotations;  // on the manifest, its index entry and as config labels
  std::string arch;         // "amd64" or "arm64"
  std::string tag;          // org.opencontainers.image.ref.name in index.json
  int64_t epoch = 0;        // every timestamp (SOURCE_DATE_EPOCH)
  // Signs the image manifest's digest; its signature artifact goes into the
  // archive beside the image (see signature_artifact.h). Without it the
  // archive is unsigned, and no node installs it.
  std::function<signing::SignedPayload(const std::string& manifest_digest)> sign;
};

// The same spec and file contents give the same bytes. Written through a
// StagedFile: on failure, nothing is left at `output`.
void write_image_archive(const ImageSpec& spec, const std::filesystem::path& output);

// "2023-11-14T22:13:20Z": how the config's `created` spells the epoch.
std::string rfc3339_utc(int64_t epoch);

}  // namespace bronze::oci
