#include "pki/join_token.h"

#include <gtest/gtest.h>

#include <set>

namespace bronze::config {
namespace {

TEST(JoinToken, GeneratedTokensHaveTalosShapeAndDiffer) {
  std::set<std::string> seen;
  std::set<char> chars;
  for (int i = 0; i < 200; ++i) {
    std::string token = generate_join_token();
    ASSERT_TRUE(is_join_token(token)) << token;
    EXPECT_EQ(token.size(), 23u);
    EXPECT_EQ(token[6], '.');
    seen.insert(token);
    for (char c : token) chars.insert(c);
  }
  EXPECT_EQ(seen.size(), 200u);
  // 4400 draws from 36 characters: every one shows up (a draw that left
  // some out, through a bias or a short alphabet, would show here).
  EXPECT_EQ(chars.size(), 37u);  // with the dot
}

TEST(JoinToken, ShapeIsChecked) {
  EXPECT_TRUE(is_join_token("abcdef.0123456789abcdef"));
  EXPECT_TRUE(is_join_token("000000.zzzzzzzzzzzzzzzz"));
  for (const char* bad : {"", "abcdef.", ".0123456789abcdef", "abcdef0123456789abcdef", "abcdef.0123456789abcde",
                          "abcdef.0123456789abcdefa", "abcdeF.0123456789abcdef", "abcdef.0123456789abcde-",
                          "abcdef..123456789abcdef", "abcdef 0123456789abcdef", "abcdefg.123456789abcdef"}) {
    EXPECT_FALSE(is_join_token(bad)) << bad;
  }
  EXPECT_FALSE(is_join_token(std::string("abcdef.0123456789abcde\0", 23)));
}

TEST(JoinToken, SecretsCompareWhole) {
  EXPECT_TRUE(secrets_equal("abcdef.0123456789abcdef", "abcdef.0123456789abcdef"));
  EXPECT_FALSE(secrets_equal("abcdef.0123456789abcdef", "abcdef.0123456789abcdeg"));
  EXPECT_FALSE(secrets_equal("abcdef.0123456789abcdef", "abcdef.0123456789abcde"));
  EXPECT_FALSE(secrets_equal("abcdef.0123456789abcdef", ""));
  EXPECT_TRUE(secrets_equal("", ""));
  EXPECT_FALSE(secrets_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

}  // namespace
}  // namespace bronze::config
