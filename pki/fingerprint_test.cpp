#include "pki/fingerprint.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/files.h"
#include "base/subprocess.h"
#include "tests/support/test_configs.h"

namespace bronze::config {
namespace {

constexpr const char* kHex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr const char* kColons =
    "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF";

TEST(Fingerprint, BothSpellingsReadTheSame) {
  EXPECT_EQ(colon_fingerprint(kHex), kColons);
  EXPECT_EQ(parse_fingerprint(kHex), kHex);
  EXPECT_EQ(parse_fingerprint(kColons), kHex);
  EXPECT_EQ(parse_fingerprint(std::string("sha256 Fingerprint=") + kColons), kHex);
  EXPECT_EQ(parse_fingerprint(std::string("SHA256 Fingerprint=") + kColons + "\n"), kHex);
  EXPECT_EQ(parse_fingerprint("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"), kHex);
}

TEST(Fingerprint, AnythingElseIsRefused) {
  std::string hex = kHex, colons = kColons;
  for (const std::string& bad :
       {std::string(), hex.substr(1), hex + "0", "g" + hex.substr(1), colons.substr(3), colons + ":00",
        std::string(colons).replace(2, 1, "-"), std::string(colons).replace(0, 1, "x"),
        "sha1 Fingerprint=" + colons, std::string(hex).replace(10, 1, ":")}) {
    EXPECT_THROW(parse_fingerprint(bad), Error) << bad;
  }
  try {
    parse_fingerprint("ab:cd");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("openssl x509 -noout -fingerprint -sha256"), std::string::npos) << e.what();
  }
}

// Ours is what openssl computes for the same certificate.
TEST(Fingerprint, MatchesOpenssl) {
  TempDir dir;
  const auto& certificate = testing::test_ca().certificate;
  write_file(dir.path() / "ca.pem", certificate.to_pem());
  auto r = run({"openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", (dir.path() / "ca.pem").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(parse_fingerprint(r.out), certificate.sha256_fingerprint()) << r.out;
  EXPECT_EQ(r.out, "sha256 Fingerprint=" + colon_fingerprint(certificate.sha256_fingerprint()) + "\n");
}

}  // namespace
}  // namespace bronze::config
