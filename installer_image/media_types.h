// The OCI media types Bronze writes and accepts (image-spec v1.0/v1.1).
#pragma once

namespace bronze::oci {

inline constexpr const char* kIndexMediaType = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* kManifestMediaType = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kConfigMediaType = "application/vnd.oci.image.config.v1+json";
// Bronze writes its layer uncompressed: the payload (squashfs, kernel,
// initramfs) is already compressed, and an uncompressed tar is reproducible
// without depending on a gzip implementation's header and output choices.
inline constexpr const char* kLayerMediaType = "application/vnd.oci.image.layer.v1.tar";
inline constexpr const char* kLayerGzipMediaType = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr const char* kLayerZstdMediaType = "application/vnd.oci.image.layer.v1.tar+zstd";

// The slot image (an ext4 filesystem image, slot_image.h) as a layer of its
// own, raw: a node streams it straight into the inactive slot, and nothing
// else needs unpacking to do so.
inline constexpr const char* kSlotPayloadMediaType = "application/vnd.dev.bronze.slot.v1.ext4";

// The slot image's chunk index (chunks/chunk_index.h), a third layer: what
// a node needs for a delta upgrade, covered by the image's signature like
// every layer.
inline constexpr const char* kChunkIndexMediaType = "application/vnd.dev.bronze.slot.v1.chunks";

inline constexpr const char* kRefNameAnnotation = "org.opencontainers.image.ref.name";
inline constexpr const char* kLayoutVersion = "1.0.0";

}  // namespace bronze::oci
