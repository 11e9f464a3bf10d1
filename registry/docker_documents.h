// Docker's manifest list and image manifest (schema 2) carry the same
// information as the OCI index and manifest under other media types; images
// pushed in Docker format (skopeo --format v2s2, docker push) come as these.
// They are rewritten into their OCI form so that the OCI parsers, which are
// strict about media types, read them and the archive holds only OCI documents.
#pragma once

#include <string>
#include <string_view>

namespace bronze::registry {

inline constexpr const char* kDockerManifestListMediaType = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char* kDockerManifestMediaType = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char* kDockerConfigMediaType = "application/vnd.docker.container.image.v1+json";
inline constexpr const char* kDockerLayerGzipMediaType = "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr const char* kDockerLayerMediaType = "application/vnd.docker.image.rootfs.diff.tar";

enum class DocumentKind { kIndex, kManifest };

// The kind of a manifest endpoint's answer, by its media type (Content-Type,
// or the descriptor's). Throws naming the type when it is neither.
DocumentKind document_kind(std::string_view media_type);

// The OCI text of an index or manifest: OCI documents unchanged, Docker ones
// with their media types (and their entries', config's and layers') mapped.
// Only the media types change; parse_index/parse_manifest check the rest.
std::string oci_index_text(const std::string& body, std::string_view media_type);
std::string oci_manifest_text(const std::string& body, std::string_view media_type);

}  // namespace bronze::registry
