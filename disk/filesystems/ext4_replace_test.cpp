// replace_file_in_ext4 against a real ext4 made by mke2fs: the file is
// replaced, and a power cut after any write leaves the old content or the
// new one, never neither and never a mix; the next replace then finishes
// the job and e2fsck finds the filesystem consistent.
#include "disk/filesystems/ext4.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "base/files.h"
#include "base/subprocess.h"
#include "disk/partitions/disk_writer.h"

namespace bronze::disk {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kOffset = 1 << 20;  // a partition that does not start at 0
constexpr uint64_t kSize = 16 << 20;

class Ext4Replace : public ::testing::Test {
 protected:
  void SetUp() override {
    disk_ = dir_.path() / "disk.raw";
    write_file(disk_, "");
    fs::resize_file(disk_, kOffset + kSize);
    Partition state;
    state.label = "STATE";
    state.start = kOffset;
    state.size = kSize;
    Ext4Options options;
    options.fs_label = "STATE";
    options.uuid = "0b3f0f3e-3c59-4c4c-9a0e-8e1c2f8d2a11";
    options.epoch = 1;
    make_ext4(disk_, state, options);
    add_file_to_ext4(disk_, kOffset, "config.yaml", old_, 0600, 1);
  }

  // e2fsck -fn of the filesystem copied out of the disk.
  RunResult fsck() const {
    fs::path copy = dir_.path() / "fs.img";
    write_file(copy, read_at(disk_, kOffset, kSize));
    return run({"e2fsck", "-fn", copy.string()});
  }

  std::string content() const { return read_from_ext4(disk_, kOffset, "config.yaml"); }

  TempDir dir_{"bronze-ext4-test"};
  fs::path disk_;
  const std::string old_ = std::string(3000, 'o') + "\nold config\n";
  // Larger than a block, so the data spans several.
  const std::string new_ = std::string(9000, 'n') + "\nnew config\n";
};

TEST_F(Ext4Replace, ReplacesAndLeavesAConsistentFilesystem) {
  replace_file_in_ext4(disk_, kOffset, "config.yaml", new_, 0600, 2);
  EXPECT_EQ(content(), new_);
  EXPECT_FALSE(read_from_ext4_if_present(disk_, kOffset, "config.yaml.new").has_value());
  auto check = fsck();
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  // Again and again: the old content's space is freed each time.
  for (int i = 0; i < 20; ++i) replace_file_in_ext4(disk_, kOffset, "config.yaml", new_ + std::to_string(i), 0600, 3);
  EXPECT_EQ(content(), new_ + "19");
  check = fsck();
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  // A name that does not exist yet is created.
  replace_file_in_ext4(disk_, kOffset, "other.yaml", "x", 0600, 4);
  EXPECT_EQ(read_from_ext4(disk_, kOffset, "other.yaml"), "x");
}

// Cut after the k-th write of libext2fs, for every k until the replace
// completes uncut.
TEST_F(Ext4Replace, APowerCutAfterAnyWriteLeavesTheOldOrTheNewContent) {
  const std::string base = read_file(disk_);
  int saw_old = 0, saw_new = 0;
  for (long cut = 0;; ++cut) {
    SCOPED_TRACE("cut after " + std::to_string(cut) + " writes");
    write_file(disk_, base);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::setenv("BRONZE_FAULT_EXT4_CUT_AFTER", std::to_string(cut).c_str(), 1);
      try {
        replace_file_in_ext4(disk_, kOffset, "config.yaml", new_, 0600, 2);
      } catch (...) {
        ::_exit(1);
      }
      ::_exit(0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    int code = WEXITSTATUS(status);
    ASSERT_TRUE(code == 0 || code == kPowerCutExitCode) << code;
    std::string after = content();
    EXPECT_TRUE(after == old_ || after == new_) << after.size() << " bytes";
    (after == old_ ? saw_old : saw_new)++;
    // The next replace (the next apply) finishes the job.
    replace_file_in_ext4(disk_, kOffset, "config.yaml", new_ + "again", 0600, 3);
    EXPECT_EQ(content(), new_ + "again");
    EXPECT_FALSE(read_from_ext4_if_present(disk_, kOffset, "config.yaml.new").has_value());
    if (code == 0) break;
    ASSERT_LT(cut, 1000) << "the replace never completed";
  }
  EXPECT_GT(saw_old, 0);
  EXPECT_GT(saw_new, 0);
}

}  // namespace
}  // namespace bronze::disk
