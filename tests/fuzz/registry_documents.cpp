// Fuzzes what a registry's manifest endpoint answers, as the pull reads it:
// the media type it claims (document_kind), the Docker-to-OCI rewrite of
// manifest lists and image manifests, then the OCI parsers on the result.
// Input: the Content-Type, a newline, the body. Only bronze::Error may
// refuse. A Docker document comes out as a JSON object with the OCI media
// type; any other passes through unchanged.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/error.h"
#include "installer_image/documents.h"
#include "installer_image/media_types.h"
#include "registry/docker_documents.h"
#include "tests/fuzz/require.h"

namespace {

using namespace bronze;

using bronze::fuzz::require;

void check_rewrite(std::string_view content_type, const std::string& body, const std::string& text,
                   const char* docker_type, const char* oci_type) {
  if (content_type.substr(0, content_type.find(';')) != docker_type) {
    require(text == body);
    return;
  }
  auto doc = nlohmann::json::parse(text, nullptr, false);
  require(doc.is_object() && doc["mediaType"] == oci_type);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  std::string_view content_type = input.substr(0, newline);
  std::string body(newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1));

  try {
    registry::document_kind(content_type);
  } catch (const Error&) {
  }
  try {
    std::string text = registry::oci_index_text(body, content_type);
    check_rewrite(content_type, body, text, registry::kDockerManifestListMediaType, oci::kIndexMediaType);
    oci::parse_index(text);
  } catch (const Error&) {
  }
  try {
    std::string text = registry::oci_manifest_text(body, content_type);
    check_rewrite(content_type, body, text, registry::kDockerManifestMediaType, oci::kManifestMediaType);
    oci::parse_manifest(text);
  } catch (const Error&) {
  }
  return 0;
}
