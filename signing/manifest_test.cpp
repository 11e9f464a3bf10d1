#include "signing/manifest.h"

#include <gtest/gtest.h>

#include <map>

#include "base/error.h"
#include "base/sha256.h"

namespace bronze::signing {

namespace {

Manifest sample(std::map<std::string, std::string>& files) {
  files = {{"vmlinuz", "kernel bytes"}, {"initramfs.img", "initramfs bytes"}};
  Manifest m;
  m.name = "metal-amd64";
  m.version = "v1.2.3";
  m.arch = "amd64";
  m.platform = "metal";
  m.cmdline = "console=ttyS0 panic=10";
  m.security_version = 7;
  for (const auto& [name, bytes] : files) m.artifacts.push_back({name, sha256_hex(bytes), bytes.size()});
  m.kspp_exceptions.push_back({"CONFIG_X", "needed for Y"});
  return m;
}

}  // namespace

TEST(Manifest, EncodeParseRoundTrip) {
  std::map<std::string, std::string> files;
  Manifest m = sample(files);
  Manifest back = Manifest::parse(m.to_json());
  EXPECT_EQ(back.to_json(), m.to_json());
  EXPECT_EQ(back.version, "v1.2.3");
  ASSERT_EQ(back.kspp_exceptions.size(), 1u);
  EXPECT_EQ(back.kspp_exceptions[0].reason, "needed for Y");
}

TEST(Manifest, SignedManifestVerifies) {
  std::map<std::string, std::string> files;
  Manifest m = sample(files);
  auto key = PrivateKey::generate();
  auto pub = PublicKey::from_pem(key.public_pem());
  std::string text = m.to_json();
  Manifest verified = verify_manifest(text, key.sign(text), TrustStore::of(std::move(pub)));
  EXPECT_NO_THROW(verify_artifacts(verified, [&](const std::string& n) { return files.at(n); }));
}

TEST(Manifest, ChangedManifestOrWrongKeyFails) {
  std::map<std::string, std::string> files;
  Manifest m = sample(files);
  auto key = PrivateKey::generate();
  std::string text = m.to_json();
  std::string sig = key.sign(text);
  std::string changed = text;
  changed[changed.find("v1.2.3")] = 'w';
  EXPECT_THROW(verify_manifest(changed, sig, TrustStore::of(PublicKey::from_pem(key.public_pem()))), Error);
  EXPECT_THROW(verify_manifest(text, sig, TrustStore::of(PublicKey::from_pem(PrivateKey::generate().public_pem()))), Error);
}

TEST(Manifest, FlippedArtifactByteIsNamed) {
  std::map<std::string, std::string> files;
  Manifest m = sample(files);
  files["initramfs.img"][3] ^= 1;
  try {
    verify_artifacts(m, [&](const std::string& n) { return files.at(n); });
    FAIL() << "expected a digest mismatch";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("initramfs.img"), std::string::npos) << e.what();
  }
}

TEST(Manifest, TruncatedArtifactIsNamed) {
  std::map<std::string, std::string> files;
  Manifest m = sample(files);
  files["vmlinuz"].pop_back();
  try {
    verify_artifacts(m, [&](const std::string& n) { return files.at(n); });
    FAIL() << "expected a size mismatch";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("vmlinuz"), std::string::npos) << e.what();
  }
}

TEST(Manifest, StrictParsing) {
  EXPECT_THROW(Manifest::parse("not json"), Error);
  EXPECT_THROW(Manifest::parse("[]"), Error);
  std::map<std::string, std::string> files;
  std::string good = sample(files).to_json();
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  EXPECT_THROW(Manifest::parse(replace("\"format\": 1", "\"format\": 2")), Error);
  EXPECT_THROW(Manifest::parse(replace("\"version\"", "\"verzion\"")), Error);
  EXPECT_THROW(Manifest::parse(replace("\"name\": \"vmlinuz\"", "\"name\": \"../vmlinuz\"")), Error);
  EXPECT_THROW(Manifest::parse(replace("\"size\": 12", "\"size\": \"12\"")), Error);
  EXPECT_THROW(Manifest::parse(replace("\"security_version\": 7", "\"security_version\": -1")), Error);
  EXPECT_THROW(Manifest::parse(replace("\"security_version\": 7", "\"security_version\": \"7\"")), Error);
}

TEST(Manifest, SecurityVersionRoundTripsAndIsZeroWhenAbsent) {
  std::map<std::string, std::string> files;
  Manifest m = sample(files);
  EXPECT_EQ(Manifest::parse(m.to_json()).security_version, 7u);
  // A manifest written before security versions existed reads as 0.
  std::string old = m.to_json();
  old.erase(old.find("  \"security_version\": 7,\n"), std::string("  \"security_version\": 7,\n").size());
  ASSERT_EQ(old.find("security_version"), std::string::npos) << old;
  EXPECT_EQ(Manifest::parse(old).security_version, 0u);
}

}  // namespace bronze::signing
