// The JSON documents of an OCI image layout: index, image manifest, image
// config and the descriptors that link them. The parsers are pure functions
// over text and strict (a wrong media type, a missing field or a malformed
// digest is an Error naming it), so they can be fuzzed and so a damaged or
// foreign image is refused before any of it is used.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bronze::oci {

using Annotations = std::map<std::string, std::string>;

struct Platform {
  std::string architecture;  // GOARCH spelling: "amd64", "arm64"
  std::string os;            // "linux"
};

struct Descriptor {
  std::string media_type;
  std::string digest;  // "sha256:<64 lower-case hex>"
  uint64_t size = 0;
  Annotations annotations;
  std::optional<Platform> platform;

  // The 64 hex digits after "sha256:", which name the blob in blobs/sha256/.
  std::string hex() const;
};

struct ImageIndex {
  std::vector<Descriptor> manifests;
  Annotations annotations;
};

struct ImageManifest {
  Descriptor config;
  std::vector<Descriptor> layers;
  Annotations annotations;
};

struct ImageConfig {
  std::string architecture;
  std::string os;
  std::vector<std::string> diff_ids;
  Annotations labels;  // config.Labels, which `skopeo inspect` shows
};

// Throws unless `digest` is "sha256:" followed by 64 lower-case hex digits.
void check_digest(std::string_view digest, std::string_view where);

// index.json, or an image index blob. Its mediaType may be absent (the
// layout's index.json often has none) but must be the index type when given.
ImageIndex parse_index(std::string_view json_text);
ImageManifest parse_manifest(std::string_view json_text);
ImageConfig parse_config(std::string_view json_text);

// Canonical text (sorted keys, no spaces): the same value gives the same bytes.
std::string to_json(const ImageIndex& index);
std::string to_json(const ImageManifest& manifest);
// `created` is RFC 3339 UTC, derived from the build epoch.
std::string to_json(const ImageConfig& config, const std::string& created);

}  // namespace bronze::oci
