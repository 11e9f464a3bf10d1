// An image reference as users type it: "registry.example.com:5000/bronze/installer:v1"
// or ".../bronze/installer@sha256:<hex>". There is no default registry (no
// implicit docker.io) and no default tag: an installer image is named in full.
#pragma once

#include <string>
#include <string_view>

namespace bronze::registry {

struct Reference {
  std::string registry;    // host[:port], "[::1]:5000" for IPv6
  std::string repository;  // "bronze/installer"
  std::string tag;         // empty when only a digest is given
  std::string digest;      // "sha256:<64 hex>", or empty

  // What a manifest request names: the digest when there is one, else the tag.
  const std::string& manifest_reference() const { return digest.empty() ? tag : digest; }
  std::string str() const;
};

// Throws bronze::Error naming the problem and the expected form.
Reference parse_reference(std::string_view text);

}  // namespace bronze::registry
