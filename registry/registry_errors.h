// Turns a registry's refusal into a message a user can act on. Registries
// answer errors with {"errors":[{"code":"MANIFEST_UNKNOWN","message":...}]}
// (OCI distribution spec); the code says what is wrong better than the status.
#pragma once

#include <string>
#include <vector>

namespace bronze::registry {

struct RegistryErrorEntry {
  std::string code;     // "MANIFEST_UNKNOWN", "NAME_UNKNOWN", "BLOB_UNKNOWN", ...
  std::string message;
};

// The entries of an error body; empty when it is not the spec's JSON.
std::vector<RegistryErrorEntry> parse_registry_errors(const std::string& body);

// What went wrong for `what` ("image registry:5000/bronze/installer:v1",
// "blob sha256:..."), with the registry's own codes and a hint.
// `auth_advice` replaces the hint for a 401 or 403 when given.
std::string describe_refusal(const std::string& what, const std::string& registry, long status,
                             const std::string& body, const std::string& auth_advice = {});

}  // namespace bronze::registry
