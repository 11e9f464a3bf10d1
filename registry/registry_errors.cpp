#include "registry/registry_errors.h"

#include <nlohmann/json.hpp>

namespace bronze::registry {

namespace {

bool has_code(const std::vector<RegistryErrorEntry>& entries, const std::string& code) {
  for (const auto& e : entries) {
    if (e.code == code) return true;
  }
  return false;
}

std::string hint(const std::vector<RegistryErrorEntry>& entries, long status) {
  if (has_code(entries, "NAME_UNKNOWN")) return "the registry has no such repository; check the name";
  // Some registries (docker-registry among them) say this for an unknown
  // repository too.
  if (has_code(entries, "MANIFEST_UNKNOWN")) return "the registry has no such tag or digest there; check name and tag";
  if (has_code(entries, "BLOB_UNKNOWN")) return "the registry lacks a blob its manifest names; push the image again";
  if (status == 401 || status == 403 || has_code(entries, "UNAUTHORIZED") || has_code(entries, "DENIED")) {
    return "the registry refused access; anonymous pull is not allowed there";
  }
  if (status == 404) return "not found; check the registry address, name and tag";
  if (status == 429 || has_code(entries, "TOOMANYREQUESTS")) return "the registry limits requests; try again later";
  if (status >= 500) return "the registry failed; try again, or look at its logs";
  return "";
}

}  // namespace

std::vector<RegistryErrorEntry> parse_registry_errors(const std::string& body) {
  std::vector<RegistryErrorEntry> entries;
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object() || !doc.contains("errors") || !doc["errors"].is_array()) return entries;
  for (const auto& e : doc["errors"]) {
    if (!e.is_object()) continue;
    RegistryErrorEntry entry;
    if (e.contains("code") && e["code"].is_string()) entry.code = e["code"].get<std::string>();
    if (e.contains("message") && e["message"].is_string()) entry.message = e["message"].get<std::string>();
    if (!entry.code.empty() || !entry.message.empty()) entries.push_back(std::move(entry));
  }
  return entries;
}

std::string describe_refusal(const std::string& what, const std::string& registry, long status,
                             const std::string& body, const std::string& auth_advice) {
  auto entries = parse_registry_errors(body);
  std::string text = "registry " + registry + " refused " + what + ": HTTP " + std::to_string(status);
  for (const auto& e : entries) {
    text += ", " + e.code;
    if (!e.message.empty()) text += " (" + e.message.substr(0, 200) + ")";
  }
  bool auth = status == 401 || status == 403 || has_code(entries, "UNAUTHORIZED") || has_code(entries, "DENIED");
  std::string advice = auth && !auth_advice.empty() ? auth_advice : hint(entries, status);
  if (!advice.empty()) text += "; " + advice;
  return text;
}

}  // namespace bronze::registry
