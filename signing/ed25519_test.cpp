#include "signing/ed25519.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/files.h"

namespace bronze::signing {

TEST(Ed25519, SignAndVerify) {
  auto key = PrivateKey::generate();
  auto pub = PublicKey::from_pem(key.public_pem());
  auto sig = key.sign("hello");
  EXPECT_EQ(sig.size(), 64u);
  EXPECT_TRUE(pub.verify("hello", sig));
  EXPECT_FALSE(pub.verify("hellp", sig));
  sig[10] ^= 1;
  EXPECT_FALSE(pub.verify("hello", sig));
  EXPECT_FALSE(pub.verify("hello", "short"));
}

TEST(Ed25519, SignaturesAreDeterministic) {
  auto key = PrivateKey::generate();
  EXPECT_EQ(key.sign("x"), key.sign("x"));
}

TEST(Ed25519, AnotherKeyDoesNotVerify) {
  auto a = PrivateKey::generate();
  auto b = PrivateKey::generate();
  EXPECT_FALSE(PublicKey::from_pem(b.public_pem()).verify("m", a.sign("m")));
  EXPECT_NE(PublicKey::from_pem(a.public_pem()).fingerprint(), PublicKey::from_pem(b.public_pem()).fingerprint());
}

TEST(Ed25519, SaveAndLoadRoundTrip) {
  TempDir dir;
  auto key = PrivateKey::generate();
  key.save(dir.path() / "k.key");
  auto loaded = PrivateKey::load(dir.path() / "k.key");
  EXPECT_EQ(loaded.public_pem(), key.public_pem());
}

TEST(Ed25519, GarbageKeysAreClearErrors) {
  TempDir dir;
  write_file(dir.path() / "bad.pem", "not a key");
  EXPECT_THROW(PrivateKey::load(dir.path() / "bad.pem"), Error);
  EXPECT_THROW(PublicKey::load(dir.path() / "bad.pem"), Error);
  EXPECT_THROW(PublicKey::load(dir.path() / "missing.pem"), Error);
}

}  // namespace bronze::signing
