// Fuzzes what a node reads of an installer image's signature before it
// trusts anything: the signature artifact's manifest (from the archive or
// the registry, unverified), and the signed payload. The payload is parsed
// only after a trusted key's signature checks, so the harness signs each
// input with its own key, as a buggy or newer build of ours might, to reach
// the parser. Only bronze::Error may refuse.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "base/error.h"
#include "installer_image/signature_artifact.h"
#include "signing/image_signature.h"

namespace {

using namespace bronze;

const signing::PrivateKey& key() {
  static const signing::PrivateKey k = signing::PrivateKey::generate();
  return k;
}

const signing::TrustStore& trust() {
  static const signing::TrustStore t = signing::TrustStore::of(signing::PublicKey::from_pem(key().public_pem()));
  return t;
}

const std::string kDigest = "sha256:" + std::string(64, '0');

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto signed_payload = oci::read_signature_artifact(text, [](const oci::Descriptor& d) {
      return std::string(static_cast<size_t>(d.size % 512), 'p');
    });
    // Whatever it says, a signature nobody trusted made is refused.
    try {
      signing::verify_image_signature(signed_payload, trust(), kDigest);
      std::abort();
    } catch (const Error&) {
    }
  } catch (const Error&) {
  }
  try {
    auto claims = signing::verify_image_signature({text, key().sign(text)}, trust(), kDigest);
    // What verifies must be what was signed: the same claims, signed again.
    std::string again = signing::image_signature_payload(kDigest, claims);
    if (!(signing::verify_image_signature({again, key().sign(again)}, trust(), kDigest) == claims)) std::abort();
  } catch (const Error&) {
  }
  return 0;
}
