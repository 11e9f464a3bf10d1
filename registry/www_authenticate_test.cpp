#include "registry/www_authenticate.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace bronze::registry {
namespace {

TEST(ParseBearerChallenge, RegistryForm) {
  auto c = parse_bearer_challenge(
      R"(Bearer realm="https://auth.example.com/token",service="registry.example.com",)"
      R"(scope="repository:bronze/installer:pull")");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->realm, "https://auth.example.com/token");
  EXPECT_EQ(c->service, "registry.example.com");
  EXPECT_EQ(c->scope, "repository:bronze/installer:pull");
}

TEST(ParseBearerChallenge, SpacingCaseTokensEscapesAndExtraParameters) {
  auto c = parse_bearer_challenge(
      "  bearer  Realm = \"http://h/t?a=1\" , scope=\"repository:x:pull,push\",error=insufficient_scope, "
      "service=svc, other=\"q\\\"uote\"");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->realm, "http://h/t?a=1");
  EXPECT_EQ(c->scope, "repository:x:pull,push");
  EXPECT_EQ(c->service, "svc");
}

TEST(ParseBearerChallenge, OnlyRealm) {
  auto c = parse_bearer_challenge(R"(Bearer realm="http://127.0.0.1/token")");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->service, "");
  EXPECT_EQ(c->scope, "");
}

TEST(ParseBearerChallenge, OtherSchemesAreNotBearer) {
  EXPECT_FALSE(parse_bearer_challenge(R"(Basic realm="Registry Realm")"));
  EXPECT_FALSE(parse_bearer_challenge("BearerX realm=\"a\""));
  EXPECT_FALSE(parse_bearer_challenge(""));
}

TEST(ParseBearerChallenge, RefusesMalformed) {
  for (const char* header : {"Bearer", "Bearer service=\"x\"", "Bearer realm=\"\"", "Bearer realm=\"unclosed",
                             "Bearer realm=\"a\" service=\"b\"", "Bearer realm", "Bearer =\"a\"",
                             "Bearer realm=\"a\",,", "Bearer realm=\"a\\"}) {
    EXPECT_THROW(parse_bearer_challenge(header), Error) << header;
  }
}

}  // namespace
}  // namespace bronze::registry
