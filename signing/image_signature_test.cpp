#include "signing/image_signature.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/error.h"
#include "base/files.h"

namespace bronze::signing {
namespace {

const std::string kDigest = "sha256:" + std::string(64, 'a');
const std::string kOtherDigest = "sha256:" + std::string(64, 'b');

ImageClaims claims() { return {"v2.0.0", "amd64", "metal", 3}; }

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ImageSignature, VerifiesAndGivesTheSignedClaims) {
  auto key = PrivateKey::generate();
  auto trust = TrustStore::of(PublicKey::from_pem(key.public_pem()));
  SignedPayload signed_payload = sign_image(kDigest, claims(), key);
  EXPECT_EQ(verify_image_signature(signed_payload, trust, kDigest), claims());
  // The payload is cosign's simple-signing document.
  EXPECT_NE(signed_payload.payload.find("\"docker-manifest-digest\":\"" + kDigest + "\""), std::string::npos);
  EXPECT_NE(signed_payload.payload.find("cosign container image signature"), std::string::npos);
}

TEST(ImageSignature, AnotherKeyIsRefusedNamingTheTrustedOnes) {
  auto key = PrivateKey::generate();
  auto stranger = PrivateKey::generate();
  auto trust = TrustStore::of(PublicKey::from_pem(key.public_pem()));
  std::string why = error_of([&] { verify_image_signature(sign_image(kDigest, claims(), stranger), trust, kDigest); });
  EXPECT_NE(why.find("does not verify with any trusted key"), std::string::npos) << why;
  EXPECT_NE(why.find(PublicKey::from_pem(key.public_pem()).fingerprint().substr(0, 16)), std::string::npos) << why;
}

TEST(ImageSignature, ASignatureOfAnotherImageIsRefused) {
  auto key = PrivateKey::generate();
  auto trust = TrustStore::of(PublicKey::from_pem(key.public_pem()));
  std::string why = error_of([&] { verify_image_signature(sign_image(kOtherDigest, claims(), key), trust, kDigest); });
  EXPECT_NE(why.find("covers image " + kOtherDigest + ", not this image " + kDigest), std::string::npos) << why;
}

TEST(ImageSignature, AChangedPayloadIsRefusedBeforeItIsRead) {
  auto key = PrivateKey::generate();
  auto trust = TrustStore::of(PublicKey::from_pem(key.public_pem()));
  SignedPayload signed_payload = sign_image(kDigest, claims(), key);
  // The attacker raises the claimed security version; the signature no
  // longer matches, so the payload is never parsed.
  auto at = signed_payload.payload.find("\"3\"");
  ASSERT_NE(at, std::string::npos);
  signed_payload.payload.replace(at, 3, "\"9\"");
  std::string why = error_of([&] { verify_image_signature(signed_payload, trust, kDigest); });
  EXPECT_NE(why.find("does not verify with any trusted key"), std::string::npos) << why;
  // Garbage that no key signed is refused the same way, never parsed.
  std::string garbage = error_of([&] { verify_image_signature({"{not json", std::string(64, 'x')}, trust, kDigest); });
  EXPECT_NE(garbage.find("does not verify with any trusted key"), std::string::npos) << garbage;
}

TEST(ImageSignature, AValidSignatureOverSomethingElseIsNotAnImageSignature) {
  auto key = PrivateKey::generate();
  auto trust = TrustStore::of(PublicKey::from_pem(key.public_pem()));
  // Signed by the trusted key, but a slot manifest, not an image payload.
  std::string text = R"({"format": 1, "name": "metal-amd64"})";
  std::string why = error_of([&] { verify_image_signature({text, key.sign(text)}, trust, kDigest); });
  EXPECT_NE(why.find("has no 'critical'"), std::string::npos) << why;
}

TEST(TrustStore, AFolderTrustsEveryKeyInIt) {
  TempDir dir("bronze-trust-test");
  auto first = PrivateKey::generate();
  auto second = PrivateKey::generate();
  write_file(dir.path() / "a.pub", first.public_pem());
  write_file(dir.path() / "b.pub", second.public_pem());
  write_file(dir.path() / "README", "not a key, not read");
  auto trust = TrustStore::load(dir.path());
  EXPECT_NE(trust.signer_of("m", first.sign("m")), nullptr);
  EXPECT_NE(trust.signer_of("m", second.sign("m")), nullptr);
  EXPECT_EQ(trust.signer_of("m", PrivateKey::generate().sign("m")), nullptr);
  EXPECT_EQ(trust.signer_of("other", first.sign("m")), nullptr);

  TempDir empty("bronze-trust-empty");
  EXPECT_NE(error_of([&] { TrustStore::load(empty.path()); }).find("holds no public key"), std::string::npos);
  write_file(empty.path() / "bad.pub", "not a key");
  EXPECT_NE(error_of([&] { TrustStore::load(empty.path()); }).find("bad.pub"), std::string::npos);
  EXPECT_NE(error_of([&] { TrustStore::load(empty.path() / "missing.pub"); }).find("does not exist"), std::string::npos);
}

}  // namespace
}  // namespace bronze::signing
