#include "signing/manifest.h"

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/sha256.h"

namespace bronze::signing {

using nlohmann::json;

std::string Manifest::to_json() const {
  json artifacts_json = json::array();
  for (const auto& a : artifacts) artifacts_json.push_back({{"name", a.name}, {"sha256", a.sha256}, {"size", a.size}});
  json exceptions_json = json::array();
  for (const auto& e : kspp_exceptions) exceptions_json.push_back({{"option", e.option}, {"reason", e.reason}});
  json doc = {{"format", format},     {"name", name},         {"version", version},
              {"arch", arch},         {"platform", platform}, {"cmdline", cmdline},
              {"security_version", security_version},
              {"artifacts", artifacts_json}, {"kspp_exceptions", exceptions_json}};
  return doc.dump(2) + "\n";
}

namespace {

template <typename T>
T field(const json& object, const char* key, const char* where) {
  auto it = object.find(key);
  if (it == object.end()) throw Error(std::string("manifest: ") + where + " has no '" + key + "'");
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    throw Error(std::string("manifest: ") + where + " field '" + key + "' has the wrong type");
  }
}

bool is_hex_digest(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Manifest Manifest::parse(const std::string& json_text) {
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::exception& e) {
    // Not only parse errors: a number too large for a double is out_of_range.
    throw Error(std::string("manifest is not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) throw Error("manifest: top level is not an object");
  Manifest m;
  m.format = field<int>(doc, "format", "manifest");
  if (m.format != kManifestFormat) {
    throw Error("manifest format " + std::to_string(m.format) + " is not supported (this build reads format " +
                std::to_string(kManifestFormat) + ")");
  }
  m.name = field<std::string>(doc, "name", "manifest");
  m.version = field<std::string>(doc, "version", "manifest");
  m.arch = field<std::string>(doc, "arch", "manifest");
  m.platform = field<std::string>(doc, "platform", "manifest");
  m.cmdline = field<std::string>(doc, "cmdline", "manifest");
  if (doc.contains("security_version")) {
    if (!doc["security_version"].is_number_unsigned()) {
      throw Error("manifest: 'security_version' is not a non-negative integer");
    }
    m.security_version = doc["security_version"].get<uint64_t>();
  }
  auto artifacts = field<json>(doc, "artifacts", "manifest");
  if (!artifacts.is_array() || artifacts.empty()) throw Error("manifest: 'artifacts' must be a non-empty list");
  for (const auto& a : artifacts) {
    if (!a.is_object()) throw Error("manifest: an artifact is not an object");
    Artifact artifact{field<std::string>(a, "name", "artifact"), field<std::string>(a, "sha256", "artifact"),
                      field<uint64_t>(a, "size", "artifact")};
    if (!is_hex_digest(artifact.sha256)) throw Error("manifest: artifact '" + artifact.name + "' has a malformed sha256");
    if (artifact.name.empty() || artifact.name.find('/') != std::string::npos || artifact.name[0] == '.') {
      throw Error("manifest: artifact name '" + artifact.name + "' is not a plain file name");
    }
    if (m.find(artifact.name)) throw Error("manifest: artifact '" + artifact.name + "' is listed twice");
    m.artifacts.push_back(std::move(artifact));
  }
  auto exceptions = field<json>(doc, "kspp_exceptions", "manifest");
  if (!exceptions.is_array()) throw Error("manifest: 'kspp_exceptions' must be a list");
  for (const auto& e : exceptions) {
    if (!e.is_object()) throw Error("manifest: a KSPP exception is not an object");
    m.kspp_exceptions.push_back({field<std::string>(e, "option", "KSPP exception"),
                                 field<std::string>(e, "reason", "KSPP exception")});
  }
  return m;
}

const Artifact* Manifest::find(const std::string& artifact_name) const {
  for (const auto& a : artifacts) {
    if (a.name == artifact_name) return &a;
  }
  return nullptr;
}

Manifest verify_manifest(const std::string& manifest_text, const std::string& signature, const TrustStore& trust) {
  if (!trust.signer_of(manifest_text, signature)) {
    throw Error("manifest signature does not verify with " + trust.describe() +
                " (signed by another key, or the manifest was changed)");
  }
  return Manifest::parse(manifest_text);
}

void verify_artifact_digests(const Manifest& manifest, const ArtifactDigester& digest_of) {
  for (const auto& artifact : manifest.artifacts) {
    ArtifactDigest found = digest_of(artifact.name);
    if (found.size != artifact.size) {
      throw Error("artifact " + artifact.name + " has " + std::to_string(found.size) + " bytes, the manifest says " +
                  std::to_string(artifact.size));
    }
    if (found.sha256 != artifact.sha256) {
      throw Error("artifact " + artifact.name + " does not match its digest (sha256 " + found.sha256 + ", manifest " +
                  artifact.sha256 + ")");
    }
  }
}

void verify_artifacts(const Manifest& manifest, const ArtifactReader& read) {
  verify_artifact_digests(manifest, [&](const std::string& name) {
    std::string bytes = read(name);
    return ArtifactDigest{bytes.size(), sha256_hex(bytes)};
  });
}

}  // namespace bronze::signing
