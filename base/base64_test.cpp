#include "base/base64.h"

#include <gtest/gtest.h>

namespace bronze {
namespace {

TEST(Base64, EncodesStandardVectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(Base64, DecodesWhatItEncodes) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (size_t length = 0; length < 8; ++length) {
    EXPECT_EQ(base64_decode(base64_encode(bytes.substr(0, length))), bytes.substr(0, length));
  }
  EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
}

TEST(Base64, RefusesAnythingNotStrict) {
  EXPECT_FALSE(base64_decode("Zg="));  // length not a multiple of 4
  EXPECT_FALSE(base64_decode("Zg"));   // padding missing
  EXPECT_FALSE(base64_decode("Z==="));
  EXPECT_FALSE(base64_decode("Zg==Zm8="));  // padding in the middle
  EXPECT_FALSE(base64_decode("Zm9v\n"));    // whitespace
  EXPECT_FALSE(base64_decode("Zm9*"));      // outside the alphabet
  EXPECT_FALSE(base64_decode("Zh=="));      // unused bits set
}

TEST(Base64, WrappedOverLinesAsPlatformsWriteIt) {
  EXPECT_EQ(base64_decode_wrapped("aGVs\nbG8g\r\n d29y bGQ=\n"), "hello world");
  EXPECT_FALSE(base64_decode_wrapped("aGVs*bG8="));
  EXPECT_FALSE(base64_decode("aGVs\nbG8="));
}

}  // namespace
}  // namespace bronze
