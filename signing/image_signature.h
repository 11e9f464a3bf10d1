// The signature over an installer image, cosign-style (docs/DESIGN.md
// decision 9): what is signed is a
// small JSON payload (sigstore's "simple signing" format) that names the
// digest of the image's OCI manifest. That manifest names the config and
// every layer by digest, so one signature covers every byte the node will
// execute or write, and it is checked before any of those bytes is parsed.
// Bronze's own claims (version, arch, security version) ride in the
// payload's signed "optional" section, so a node can refuse an image before
// it fetches a layer. See installer_image/signature_artifact.h for how the
// payload travels beside the image (tag sha256-<hex>.sig).
#pragma once

#include <cstdint>
#include <string>

#include "signing/ed25519.h"
#include "signing/trust_store.h"

namespace bronze::signing {

struct ImageClaims {
  std::string version;
  std::string arch;
  std::string platform;
  uint64_t security_version = 0;  // anti-rollback: see node_state.h
  bool operator==(const ImageClaims&) const = default;
};

struct SignedPayload {
  std::string payload;    // the JSON bytes that were signed
  std::string signature;  // raw Ed25519 signature (64 bytes)
};

// The payload for `manifest_digest` ("sha256:<hex>") with `claims`, in
// canonical JSON (sorted keys, no spaces).
std::string image_signature_payload(const std::string& manifest_digest, const ImageClaims& claims);

SignedPayload sign_image(const std::string& manifest_digest, const ImageClaims& claims, const PrivateKey& key);

// Checks the signature with every key of `trust` first; only then parses the
// payload, and checks that it names `manifest_digest`. Throws an Error
// saying which: signed by no trusted key (naming the trusted ones), or a
// signature of another image (naming both digests).
ImageClaims verify_image_signature(const SignedPayload& signed_payload, const TrustStore& trust,
                                   const std::string& manifest_digest);

}  // namespace bronze::signing
