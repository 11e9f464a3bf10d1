#include "disk/filesystems/ext4.h"

extern "C" {
#include <et/com_err.h>
}
#include <ext2fs/ext2fs.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "base/error.h"
#include "base/files.h"
#include "base/units.h"

namespace bronze::disk {
namespace {

namespace fs = std::filesystem;

// A small filesystem as make_ext4 makes STATE or a slot, at an offset into
// a disk file, so that the offset is part of every read.
class Ext4Read : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::path source = dir_.path() / "source";
    fs::create_directories(source / "etc");
    write_file(source / "config.yaml", "version: v1alpha1\n");
    fs::create_symlink("config.yaml", source / "link.yaml");
    disk_ = dir_.path() / "disk.raw";
    write_file(disk_, "");
    fs::resize_file(disk_, kOffset + kSize);
    Partition p;
    p.start = kOffset;
    p.size = kSize;
    make_ext4(disk_, p, Ext4Options{"STATE", "6d1a8a52-3b1c-4e3f-9b8a-1c2d3e4f5a6b", 1700000000, source});
  }

  // Rewrites the size fields of `path`'s inode, as a damaged disk (or
  // someone with write access to it) could.
  void set_inode_size(const std::string& path, uint32_t low, uint32_t high) {
    ext2_filsys f = nullptr;
    std::string io_options = "offset=" + std::to_string(kOffset);
    ASSERT_EQ(ext2fs_open2(disk_.c_str(), io_options.c_str(), EXT2_FLAG_RW | EXT2_FLAG_64BITS, 0, 0, unix_io_manager, &f), 0);
    ext2_ino_t ino = 0;
    ASSERT_EQ(ext2fs_namei(f, EXT2_ROOT_INO, EXT2_ROOT_INO, path.c_str(), &ino), 0);
    ext2_inode inode{};
    ASSERT_EQ(ext2fs_read_inode(f, ino, &inode), 0);
    inode.i_size = low;
    inode.i_size_high = high;
    ASSERT_EQ(ext2fs_write_inode(f, ino, &inode), 0);
    ASSERT_EQ(ext2fs_close_free(&f), 0);
  }

  std::string error_of_read(const std::string& path) {
    try {
      read_from_ext4(disk_, kOffset, path);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }

  static constexpr uint64_t kOffset = MiB;
  static constexpr uint64_t kSize = 4 * MiB;
  TempDir dir_{"bronze-ext4-test"};
  fs::path disk_;
};

TEST_F(Ext4Read, ReadsAFileAtAnOffset) {
  EXPECT_EQ(read_from_ext4(disk_, kOffset, "/config.yaml"), "version: v1alpha1\n");
  EXPECT_EQ(read_from_ext4_if_present(disk_, kOffset, "/config.yaml"), "version: v1alpha1\n");
  EXPECT_EQ(read_from_ext4_if_present(disk_, kOffset, "/missing.yaml"), std::nullopt);
}

// Found by fuzzing (tests/fuzz/ext4_read.cpp): an inode whose size fields
// are all ones made the reader allocate 2^64 - 1 bytes for it, which threw
// std::length_error past every caller's handler. Any size above what the
// filesystem holds is now refused as damage, before anything is allocated.
TEST_F(Ext4Read, AFileClaimingMoreThanTheFilesystemHoldsIsRefused) {
  set_inode_size("config.yaml", 0xffffffff, 0xffffffff);
  std::string error = error_of_read("/config.yaml");
  EXPECT_NE(error.find("/config.yaml claims 18446744073709551615 bytes, more than its filesystem holds"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("damaged"), std::string::npos) << error;

  set_inode_size("config.yaml", 0, 1);  // 4 GiB, on a 4 MiB filesystem
  error = error_of_read("/config.yaml");
  EXPECT_NE(error.find("claims 4294967296 bytes"), std::string::npos) << error;
  EXPECT_THROW(read_from_ext4_if_present(disk_, kOffset, "/config.yaml"), Error);
}

// A folder's or a symlink's blocks are not a file's content.
TEST_F(Ext4Read, OnlyRegularFilesAreRead) {
  EXPECT_NE(error_of_read("/etc").find("/etc is not a regular file"), std::string::npos);
  EXPECT_NE(error_of_read("/link.yaml").find("/link.yaml is not a regular file"), std::string::npos);
  EXPECT_THROW(read_from_ext4_if_present(disk_, kOffset, "/lost+found"), Error);
}

// The bound above rests on the superblock's size, which must fit in what
// lies after the offset: a disk cut short (or a superblock that lies about
// its block count) is refused.
TEST_F(Ext4Read, AFilesystemLargerThanItsDiskIsRefused) {
  fs::resize_file(disk_, kOffset + kSize / 2);
  std::string error = error_of_read("/config.yaml");
  EXPECT_NE(error.find("claims 4096 blocks of 1024 bytes, more than the 2097152 bytes there"), std::string::npos)
      << error;
  EXPECT_NE(error.find("damaged"), std::string::npos) << error;
  EXPECT_THROW(read_from_ext4_if_present(disk_, kOffset, "/config.yaml"), Error);
}

}  // namespace
}  // namespace bronze::disk
