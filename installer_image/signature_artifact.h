// How an image's signature travels beside it, the way cosign stores one: an
// OCI image manifest of its own whose one layer is the signed payload
// (signing/image_signature.h) and whose layer annotation holds the
// signature. It is tagged "sha256-<hex>.sig" after the digest of the image
// manifest it signs: in a registry, a tag in the image's repository; in an
// OCI archive, an entry of index.json with that ref name.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "installer_image/documents.h"
#include "signing/image_signature.h"

namespace bronze::oci {

inline constexpr const char* kSimpleSigningMediaType = "application/vnd.dev.cosign.simplesigning.v1+json";
inline constexpr const char* kSignatureAnnotation = "dev.cosignproject.cosign/signature";

// "sha256:<hex>" -> "sha256-<hex>.sig".
std::string signature_tag(const std::string& manifest_digest);
bool is_signature_tag(std::string_view ref_name);

// The documents of a signature artifact, ready to be written or pushed.
struct SignatureArtifact {
  std::string manifest;  // the OCI image manifest (its digest is the artifact's)
  std::string config;    // an empty image config
  std::string payload;   // the signed payload: the one layer
};
SignatureArtifact make_signature_artifact(const signing::SignedPayload& signed_payload);

// Gives a blob's bytes by descriptor, checked against its size and digest
// and bounded; throws when it cannot.
using BlobFetcher = std::function<std::string(const Descriptor&)>;

// The signed payload and signature from a signature artifact's manifest:
// exactly one layer of the simple-signing type, carrying the signature
// annotation. Checks only the form; signing::verify_image_signature says
// whether a trusted key made it.
signing::SignedPayload read_signature_artifact(std::string_view manifest_text, const BlobFetcher& fetch_blob);

}  // namespace bronze::oci
