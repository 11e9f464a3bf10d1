#include "registry/docker_documents.h"

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "installer_image/media_types.h"

namespace bronze::registry {

namespace {

using nlohmann::json;

json parse_docker(const std::string& body, const char* what) {
  json doc = json::parse(body, nullptr, false);
  if (!doc.is_object()) throw Error(std::string(what) + " is not a JSON object");
  return doc;
}

void map_media_type(json& object, std::string_view from, const char* to) {
  auto it = object.find("mediaType");
  if (it != object.end() && it->is_string() && it->get<std::string>() == from) *it = to;
}

}  // namespace

DocumentKind document_kind(std::string_view media_type) {
  // "application/...+json; charset=utf-8" names the same type.
  std::string_view type = media_type.substr(0, media_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  if (type == oci::kIndexMediaType || type == kDockerManifestListMediaType) return DocumentKind::kIndex;
  if (type == oci::kManifestMediaType || type == kDockerManifestMediaType) return DocumentKind::kManifest;
  if (type.find("manifest.v1") != std::string_view::npos) {
    throw Error("the image is in Docker's old schema 1 format, which Bronze does not read; push it again with "
                "a current skopeo or docker");
  }
  throw Error("the registry answered with a document of type '" + std::string(type.substr(0, 120)) +
              "', which is neither an image index nor an image manifest");
}

std::string oci_index_text(const std::string& body, std::string_view media_type) {
  if (media_type.substr(0, media_type.find(';')) != kDockerManifestListMediaType) return body;
  json doc = parse_docker(body, "Docker manifest list");
  doc["mediaType"] = oci::kIndexMediaType;
  if (auto it = doc.find("manifests"); it != doc.end() && it->is_array()) {
    for (auto& entry : *it) {
      if (entry.is_object()) map_media_type(entry, kDockerManifestMediaType, oci::kManifestMediaType);
    }
  }
  return doc.dump();
}

std::string oci_manifest_text(const std::string& body, std::string_view media_type) {
  if (media_type.substr(0, media_type.find(';')) != kDockerManifestMediaType) return body;
  json doc = parse_docker(body, "Docker image manifest");
  doc["mediaType"] = oci::kManifestMediaType;
  if (auto it = doc.find("config"); it != doc.end() && it->is_object()) {
    map_media_type(*it, kDockerConfigMediaType, oci::kConfigMediaType);
  }
  if (auto it = doc.find("layers"); it != doc.end() && it->is_array()) {
    for (auto& layer : *it) {
      if (!layer.is_object()) continue;
      map_media_type(layer, kDockerLayerGzipMediaType, oci::kLayerGzipMediaType);
      map_media_type(layer, kDockerLayerMediaType, oci::kLayerMediaType);
    }
  }
  return doc.dump();
}

}  // namespace bronze::registry
