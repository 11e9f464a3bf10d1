#include "installer_image/documents.h"

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "installer_image/media_types.h"

namespace bronze::oci {

using nlohmann::json;

namespace {

constexpr std::string_view kSha256Prefix = "sha256:";

json parse_object(std::string_view text, const char* what) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    throw Error(std::string(what) + " is not valid JSON: " + e.what());
  }
  if (!doc.is_object()) throw Error(std::string(what) + ": the top level is not a JSON object");
  return doc;
}

const json& member(const json& object, const char* key, const std::string& where) {
  auto it = object.find(key);
  if (it == object.end()) throw Error(where + " has no '" + key + "'");
  return *it;
}

std::string string_member(const json& object, const char* key, const std::string& where) {
  const json& value = member(object, key, where);
  if (!value.is_string()) throw Error(where + ": '" + key + "' is not a string");
  return value.get<std::string>();
}

std::optional<std::string> optional_string(const json& object, const char* key, const std::string& where) {
  if (!object.contains(key)) return std::nullopt;
  return string_member(object, key, where);
}

void check_schema_version(const json& doc, const std::string& where) {
  const json& version = member(doc, "schemaVersion", where);
  if (!version.is_number_integer() || version.get<int64_t>() != 2) {
    throw Error(where + ": schemaVersion must be 2");
  }
}

void check_media_type(const json& doc, const char* expected, bool required, const std::string& where) {
  auto media_type = required ? std::optional(string_member(doc, "mediaType", where))
                             : optional_string(doc, "mediaType", where);
  if (media_type && *media_type != expected) {
    throw Error(where + " has mediaType '" + *media_type + "', expected '" + expected + "'");
  }
}

Annotations parse_string_map(const json& doc, const char* key, const std::string& where) {
  Annotations result;
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return result;
  if (!it->is_object()) throw Error(where + ": '" + key + "' is not an object of strings");
  for (const auto& [name, value] : it->items()) {
    if (!value.is_string()) throw Error(where + ": " + key + " '" + name + "' is not a string");
    result.emplace(name, value.get<std::string>());
  }
  return result;
}

Descriptor parse_descriptor(const json& doc, const std::string& where) {
  if (!doc.is_object()) throw Error(where + " is not an object");
  Descriptor d;
  d.media_type = string_member(doc, "mediaType", where);
  d.digest = string_member(doc, "digest", where);
  check_digest(d.digest, where);
  const json& size = member(doc, "size", where);
  if (!size.is_number_unsigned()) throw Error(where + ": 'size' is not a non-negative integer");
  d.size = size.get<uint64_t>();
  d.annotations = parse_string_map(doc, "annotations", where);
  if (auto it = doc.find("platform"); it != doc.end()) {
    if (!it->is_object()) throw Error(where + ": 'platform' is not an object");
    d.platform = Platform{string_member(*it, "architecture", where + " platform"),
                          string_member(*it, "os", where + " platform")};
  }
  return d;
}

json descriptor_json(const Descriptor& d) {
  json out = {{"mediaType", d.media_type}, {"digest", d.digest}, {"size", d.size}};
  if (!d.annotations.empty()) out["annotations"] = d.annotations;
  if (d.platform) out["platform"] = {{"architecture", d.platform->architecture}, {"os", d.platform->os}};
  return out;
}

}  // namespace

std::string Descriptor::hex() const { return digest.substr(kSha256Prefix.size()); }

void check_digest(std::string_view digest, std::string_view where) {
  auto fail = [&](const std::string& why) {
    throw Error(std::string(where) + ": digest '" + std::string(digest.substr(0, 80)) + "' " + why +
                " (expected sha256:<64 lower-case hex digits>)");
  };
  if (digest.substr(0, kSha256Prefix.size()) != kSha256Prefix) fail("does not use sha256");
  std::string_view hex = digest.substr(kSha256Prefix.size());
  if (hex.size() != 64) fail("has " + std::to_string(hex.size()) + " hex digits");
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) fail("has a character that is not lower-case hex");
  }
}

ImageIndex parse_index(std::string_view json_text) {
  const std::string where = "image index";
  json doc = parse_object(json_text, "image index");
  check_schema_version(doc, where);
  check_media_type(doc, kIndexMediaType, false, where);
  const json& manifests = member(doc, "manifests", where);
  if (!manifests.is_array()) throw Error("image index: 'manifests' is not a list");
  if (manifests.empty()) throw Error("image index lists no manifests");
  ImageIndex index;
  for (size_t i = 0; i < manifests.size(); ++i) {
    index.manifests.push_back(parse_descriptor(manifests[i], "image index manifest " + std::to_string(i)));
  }
  index.annotations = parse_string_map(doc, "annotations", where);
  return index;
}

ImageManifest parse_manifest(std::string_view json_text) {
  const std::string where = "image manifest";
  json doc = parse_object(json_text, "image manifest");
  check_schema_version(doc, where);
  check_media_type(doc, kManifestMediaType, true, where);
  ImageManifest manifest;
  manifest.config = parse_descriptor(member(doc, "config", where), "image manifest config");
  if (manifest.config.media_type != kConfigMediaType) {
    throw Error("image manifest config has mediaType '" + manifest.config.media_type + "', expected '" +
                kConfigMediaType + "'");
  }
  const json& layers = member(doc, "layers", where);
  if (!layers.is_array()) throw Error("image manifest: 'layers' is not a list");
  for (size_t i = 0; i < layers.size(); ++i) {
    manifest.layers.push_back(parse_descriptor(layers[i], "image manifest layer " + std::to_string(i)));
  }
  manifest.annotations = parse_string_map(doc, "annotations", where);
  return manifest;
}

ImageConfig parse_config(std::string_view json_text) {
  const std::string where = "image config";
  json doc = parse_object(json_text, "image config");
  ImageConfig config;
  config.architecture = string_member(doc, "architecture", where);
  config.os = string_member(doc, "os", where);
  const json& rootfs = member(doc, "rootfs", where);
  if (!rootfs.is_object()) throw Error("image config: 'rootfs' is not an object");
  if (string_member(rootfs, "type", "image config rootfs") != "layers") {
    throw Error("image config: rootfs type must be 'layers'");
  }
  const json& diff_ids = member(rootfs, "diff_ids", "image config rootfs");
  if (!diff_ids.is_array()) throw Error("image config: 'diff_ids' is not a list");
  for (size_t i = 0; i < diff_ids.size(); ++i) {
    std::string label = "image config diff_id " + std::to_string(i);
    if (!diff_ids[i].is_string()) throw Error(label + " is not a string");
    config.diff_ids.push_back(diff_ids[i].get<std::string>());
    check_digest(config.diff_ids.back(), label);
  }
  if (auto it = doc.find("config"); it != doc.end() && !it->is_null()) {
    if (!it->is_object()) throw Error("image config: 'config' is not an object");
    config.labels = parse_string_map(*it, "Labels", "image config");
  }
  return config;
}

std::string to_json(const ImageIndex& index) {
  json manifests = json::array();
  for (const auto& d : index.manifests) manifests.push_back(descriptor_json(d));
  json doc = {{"schemaVersion", 2}, {"mediaType", kIndexMediaType}, {"manifests", manifests}};
  if (!index.annotations.empty()) doc["annotations"] = index.annotations;
  return doc.dump();
}

std::string to_json(const ImageManifest& manifest) {
  json layers = json::array();
  for (const auto& d : manifest.layers) layers.push_back(descriptor_json(d));
  json doc = {{"schemaVersion", 2},
              {"mediaType", kManifestMediaType},
              {"config", descriptor_json(manifest.config)},
              {"layers", layers}};
  if (!manifest.annotations.empty()) doc["annotations"] = manifest.annotations;
  return doc.dump();
}

std::string to_json(const ImageConfig& config, const std::string& created) {
  json doc = {{"architecture", config.architecture},
              {"os", config.os},
              {"created", created},
              {"rootfs", {{"type", "layers"}, {"diff_ids", config.diff_ids}}},
              {"config", json::object()}};
  if (!config.labels.empty()) doc["config"]["Labels"] = config.labels;
  return doc.dump();
}

}  // namespace bronze::oci
