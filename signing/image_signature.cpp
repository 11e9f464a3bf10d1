#include "signing/image_signature.h"

#include <nlohmann/json.hpp>

#include "base/error.h"

namespace bronze::signing {

using nlohmann::json;

namespace {

constexpr const char* kPayloadType = "cosign container image signature";
// Where the payload names the image. The identity is informational: images
// are pushed to repositories the builder does not know.
constexpr const char* kIdentity = "bronze-installer";
constexpr const char* kVersionKey = "dev.bronze.version";
constexpr const char* kArchKey = "dev.bronze.arch";
constexpr const char* kPlatformKey = "dev.bronze.platform";
// A decimal string: cosign's optional section holds strings.
constexpr const char* kSecurityVersionKey = "dev.bronze.security_version";

const json& at(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) {
    throw Error(std::string("the signed payload has no '") + key + "'");
  }
  return object.at(key);
}

std::string string_at(const json& object, const char* key) {
  const json& value = at(object, key);
  if (!value.is_string()) throw Error(std::string("the signed payload's '") + key + "' is not a string");
  return value.get<std::string>();
}

uint64_t parse_security_version(const std::string& text) {
  if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos) {
    throw Error("the signed payload's security version '" + text + "' is not a decimal number");
  }
  return std::stoull(text);
}

}  // namespace

std::string image_signature_payload(const std::string& manifest_digest, const ImageClaims& claims) {
  json doc = {{"critical",
               {{"identity", {{"docker-reference", kIdentity}}},
                {"image", {{"docker-manifest-digest", manifest_digest}}},
                {"type", kPayloadType}}},
              {"optional",
               {{kVersionKey, claims.version},
                {kArchKey, claims.arch},
                {kPlatformKey, claims.platform},
                {kSecurityVersionKey, std::to_string(claims.security_version)}}}};
  return doc.dump();
}

SignedPayload sign_image(const std::string& manifest_digest, const ImageClaims& claims, const PrivateKey& key) {
  SignedPayload out;
  out.payload = image_signature_payload(manifest_digest, claims);
  out.signature = key.sign(out.payload);
  return out;
}

ImageClaims verify_image_signature(const SignedPayload& signed_payload, const TrustStore& trust,
                                   const std::string& manifest_digest) {
  // Nothing of the payload is read before a trusted key vouches for it.
  if (!trust.signer_of(signed_payload.payload, signed_payload.signature)) {
    throw Error("the image's signature does not verify with any trusted key (" + trust.describe() +
                "): it was signed by another key, or its signed payload was changed");
  }
  json doc = json::parse(signed_payload.payload, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) throw Error("the signed payload is not a JSON object");
  const json& critical = at(doc, "critical");
  if (string_at(critical, "type") != kPayloadType) {
    throw Error("the signed payload is not an image signature (type '" + string_at(critical, "type") + "')");
  }
  std::string signed_digest = string_at(at(critical, "image"), "docker-manifest-digest");
  if (signed_digest != manifest_digest) {
    throw Error("the signature covers image " + signed_digest + ", not this image " + manifest_digest +
                " (a signature taken from another image, or an image changed after it was signed)");
  }
  const json& optional = at(doc, "optional");
  ImageClaims claims;
  claims.version = string_at(optional, kVersionKey);
  claims.arch = string_at(optional, kArchKey);
  claims.platform = string_at(optional, kPlatformKey);
  claims.security_version = parse_security_version(string_at(optional, kSecurityVersionKey));
  return claims;
}

}  // namespace bronze::signing
