#include "base/sha256.h"

#include <gtest/gtest.h>

#include "base/files.h"

namespace bronze {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, FileDigestAndSize) {
  TempDir dir;
  write_file(dir.path() / "f", "abc");
  uint64_t size = 0;
  EXPECT_EQ(sha256_file_hex(dir.path() / "f", &size), sha256_hex("abc"));
  EXPECT_EQ(size, 3u);
}

}  // namespace bronze
