#include "installer_image/signature_artifact.h"

#include "base/base64.h"
#include "base/error.h"
#include "base/sha256.h"
#include "installer_image/image_writer.h"
#include "installer_image/media_types.h"

namespace bronze::oci {

namespace {

constexpr std::string_view kTagSuffix = ".sig";
// A payload is a few hundred bytes; a bound keeps a hostile descriptor from
// making us fetch more.
constexpr uint64_t kMaxPayloadBytes = 64 * 1024;

Descriptor describe(const char* media_type, const std::string& blob) {
  return {media_type, "sha256:" + sha256_hex(blob), blob.size(), {}, std::nullopt};
}

}  // namespace

std::string signature_tag(const std::string& manifest_digest) {
  check_digest(manifest_digest, "signed manifest");
  return "sha256-" + manifest_digest.substr(7) + std::string(kTagSuffix);
}

bool is_signature_tag(std::string_view ref_name) {
  return ref_name.size() == 7 + 64 + kTagSuffix.size() && ref_name.substr(0, 7) == "sha256-" &&
         ref_name.substr(ref_name.size() - kTagSuffix.size()) == kTagSuffix;
}

SignatureArtifact make_signature_artifact(const signing::SignedPayload& signed_payload) {
  SignatureArtifact artifact;
  artifact.payload = signed_payload.payload;
  Descriptor layer = describe(kSimpleSigningMediaType, artifact.payload);
  layer.annotations[kSignatureAnnotation] = base64_encode(signed_payload.signature);
  // cosign's config: no platform, one diff_id, and the zero time, so that the
  // same signature gives the same bytes.
  artifact.config = to_json(ImageConfig{"", "", {layer.digest}, {}}, rfc3339_utc(0));
  artifact.manifest = to_json(ImageManifest{describe(kConfigMediaType, artifact.config), {layer}, {}});
  return artifact;
}

signing::SignedPayload read_signature_artifact(std::string_view manifest_text, const BlobFetcher& fetch_blob) {
  ImageManifest manifest = parse_manifest(manifest_text);
  if (manifest.layers.size() != 1 || manifest.layers.front().media_type != kSimpleSigningMediaType) {
    throw Error(std::string("the signature artifact is not one layer of ") + kSimpleSigningMediaType);
  }
  const Descriptor& layer = manifest.layers.front();
  auto annotation = layer.annotations.find(kSignatureAnnotation);
  if (annotation == layer.annotations.end()) {
    throw Error(std::string("the signature artifact's layer has no ") + kSignatureAnnotation + " annotation");
  }
  auto signature = base64_decode(annotation->second);
  if (!signature) throw Error("the signature artifact's signature is not valid base64");
  if (layer.size > kMaxPayloadBytes) {
    throw Error("the signature artifact's payload claims " + std::to_string(layer.size) + " bytes; refused");
  }
  return {fetch_blob(layer), *signature};
}

}  // namespace bronze::oci
