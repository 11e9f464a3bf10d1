#include "disk/meta/meta.h"

#include <gtest/gtest.h>

#include "base/files.h"

namespace bronze::disk {

TEST(Meta, CopyRoundTrip) {
  MetaStore s;
  s.sequence = 7;
  s.values["last_failed_upgrade"] = "v3";
  auto copy = encode_meta_copy(s);
  EXPECT_EQ(copy.size(), kMetaCopySize);
  auto back = decode_meta_copy(copy);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->sequence, 7u);
  EXPECT_EQ(back->values.at("last_failed_upgrade"), "v3");
}

TEST(Meta, AnyFlippedByteInvalidatesACopy) {
  MetaStore s;
  s.values["k"] = "v";
  auto copy = encode_meta_copy(s);
  for (size_t i : {0u, 9u, 17u, 30u, 57u}) {
    std::string bad = copy;
    bad[i] ^= 0x20;
    EXPECT_FALSE(decode_meta_copy(bad)) << "byte " << i;
  }
}

TEST(Meta, WritesAlternateAndTheNewestWins) {
  TempDir dir;
  auto disk = dir.path() / "disk";
  write_file(disk, std::string(3 * 1024 * 1024, '\0'));
  Partition meta;
  meta.start = 1024 * 1024;
  meta.size = 1024 * 1024;
  DiskWriter writer(disk);
  init_meta(writer, meta);
  EXPECT_TRUE(read_meta(disk, meta).values.empty());
  MetaStore s;
  s.values["a"] = "1";
  write_meta(writer, meta, s);
  s.values["a"] = "2";
  write_meta(writer, meta, s);
  EXPECT_EQ(read_meta(disk, meta).values.at("a"), "2");
  // Destroy the copy just written: the previous one is still there.
  auto first = decode_meta_copy(read_at(disk, meta.start, kMetaCopySize));
  auto second = decode_meta_copy(read_at(disk, meta.start + kMetaCopySize, kMetaCopySize));
  ASSERT_TRUE(first && second);
  uint64_t newest_at = first->sequence > second->sequence ? meta.start : meta.start + kMetaCopySize;
  write_at(disk, newest_at + 57, "x");  // inside the payload "a=2\n"
  EXPECT_EQ(read_meta(disk, meta).values.at("a"), "1");
}

}  // namespace bronze::disk
