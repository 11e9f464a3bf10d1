#include "initramfs/initramfs.h"
#include "initramfs/initramfs_reader.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/files.h"
#include "base/sha256.h"

namespace bronze::initramfs {

TEST(Initramfs, HoldsInitAndRootfsAndIsReproducible) {
  TempDir dir;
  write_file(dir.path() / "init", "#!init");
  write_file(dir.path() / "rootfs.sqfs", std::string(100000, 'r'));
  make_initramfs(dir.path() / "init", dir.path() / "rootfs.sqfs", dir.path() / "a.img", 1700000000);
  make_initramfs(dir.path() / "init", dir.path() / "rootfs.sqfs", dir.path() / "b.img", 1700000000);
  std::string a = read_file(dir.path() / "a.img");
  EXPECT_EQ(sha256_hex(a), sha256_hex(read_file(dir.path() / "b.img")));
  // A plain newc cpio (not compressed, so that a delta upgrade finds its
  // unchanged parts): the kernel reads it as it is.
  ASSERT_GE(a.size(), 6u);
  EXPECT_EQ(a.substr(0, 6), "070701");
  EXPECT_EQ(initramfs::read_from_initramfs(a, "init"), "#!init");
  EXPECT_EQ(initramfs::read_from_initramfs(a, "rootfs.sqfs"), std::string(100000, 'r'));
  EXPECT_THROW(initramfs::read_from_initramfs(a, "missing"), Error);
}

TEST(Initramfs, DifferentEpochDifferentBytes) {
  TempDir dir;
  write_file(dir.path() / "init", "i");
  write_file(dir.path() / "rootfs.sqfs", "r");
  make_initramfs(dir.path() / "init", dir.path() / "rootfs.sqfs", dir.path() / "a.img", 1);
  make_initramfs(dir.path() / "init", dir.path() / "rootfs.sqfs", dir.path() / "b.img", 2);
  EXPECT_NE(read_file(dir.path() / "a.img"), read_file(dir.path() / "b.img"));
}

}  // namespace bronze::initramfs
