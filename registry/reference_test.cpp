#include "registry/reference.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace bronze::registry {
namespace {

const std::string kDigest = "sha256:" + std::string(64, 'a');

TEST(ParseReference, HostPortRepositoryTag) {
  Reference ref = parse_reference("127.0.0.1:5000/bronze/installer:v1.2.3");
  EXPECT_EQ(ref.registry, "127.0.0.1:5000");
  EXPECT_EQ(ref.repository, "bronze/installer");
  EXPECT_EQ(ref.tag, "v1.2.3");
  EXPECT_EQ(ref.digest, "");
  EXPECT_EQ(ref.manifest_reference(), "v1.2.3");
  EXPECT_EQ(ref.str(), "127.0.0.1:5000/bronze/installer:v1.2.3");
}

TEST(ParseReference, Digest) {
  Reference ref = parse_reference("registry.example.com/bronze/installer@" + kDigest);
  EXPECT_EQ(ref.registry, "registry.example.com");
  EXPECT_EQ(ref.repository, "bronze/installer");
  EXPECT_EQ(ref.tag, "");
  EXPECT_EQ(ref.digest, kDigest);
  EXPECT_EQ(ref.manifest_reference(), kDigest);
  EXPECT_EQ(ref.str(), "registry.example.com/bronze/installer@" + kDigest);
}

TEST(ParseReference, TagAndDigestFetchByDigest) {
  Reference ref = parse_reference("localhost:5000/installer:v1@" + kDigest);
  EXPECT_EQ(ref.tag, "v1");
  EXPECT_EQ(ref.manifest_reference(), kDigest);
}

TEST(ParseReference, OtherHostForms) {
  EXPECT_EQ(parse_reference("localhost/a:b").registry, "localhost");
  EXPECT_EQ(parse_reference("[::1]:5000/a:b").registry, "[::1]:5000");
  EXPECT_EQ(parse_reference("reg.example.com/a/b/c__d.e-f---g:latest").repository, "a/b/c__d.e-f---g");
}

void expect_refused(const std::string& text, const std::string& problem) {
  try {
    parse_reference(text);
    ADD_FAILURE() << text << " was accepted";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find(problem), std::string::npos) << message;
    EXPECT_NE(message.find("expected HOST[:PORT]/NAME:TAG"), std::string::npos) << message;
  }
}

TEST(ParseReference, RefusesMistakesNamingThem) {
  expect_refused("", "empty");
  expect_refused("bronze/installer:v1", "no registry host");
  expect_refused("installer:v1", "no registry host");
  expect_refused("127.0.0.1:5000/bronze/installer", "neither a tag nor a digest");
  expect_refused("https://127.0.0.1:5000/bronze/installer:v1", "no scheme");
  expect_refused("127.0.0.1:99999/bronze/installer:v1", "port '99999'");
  expect_refused("127.0.0.1:x/bronze/installer:v1", "port 'x'");
  expect_refused("127.0.0.1:5000/Bronze/installer:v1", "repository 'Bronze/installer'");
  expect_refused("127.0.0.1:5000/bronze//installer:v1", "repository");
  expect_refused("127.0.0.1:5000/bronze/installer-:v1", "repository");
  expect_refused("127.0.0.1:5000/a._b:v1", "repository");
  expect_refused("127.0.0.1:5000/a___b:v1", "repository");
  expect_refused("127.0.0.1:5000/bronze/installer:", "tag ''");
  expect_refused("127.0.0.1:5000/bronze/installer:.v1", "tag '.v1'");
  expect_refused("127.0.0.1:5000/bronze/installer:" + std::string(129, 'v'), "tag");
  expect_refused("127.0.0.1:5000/bronze/installer@sha256:abc", "digest");
  expect_refused("127.0.0.1:5000/bronze/installer@md5:" + std::string(32, 'a'), "sha256");
  expect_refused("127.0.0.1:5000/bronze/installer:v 1", "space");
  expect_refused("bad_host.example/x:v1", "registry host 'bad_host.example'");
}

}  // namespace
}  // namespace bronze::registry
