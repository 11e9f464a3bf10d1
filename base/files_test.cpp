#include "base/files.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "base/error.h"

namespace bronze {
namespace fs = std::filesystem;

TEST(StagedFile, NothingLeftWhenNotCommitted) {
  TempDir dir;
  fs::path staged_path;
  {
    StagedFile staged(dir.path() / "out.raw");
    write_file(staged.path(), "half");
    staged_path = staged.path();
    EXPECT_TRUE(fs::exists(staged_path));
  }
  EXPECT_FALSE(fs::exists(staged_path));
  EXPECT_FALSE(fs::exists(dir.path() / "out.raw"));
}

TEST(StagedFile, CommitMovesIntoPlace) {
  TempDir dir;
  StagedFile staged(dir.path() / "out.raw");
  write_file(staged.path(), "whole");
  staged.commit();
  EXPECT_EQ(read_file(dir.path() / "out.raw"), "whole");
}

TEST(Files, ReadAndWriteAtOffsets) {
  TempDir dir;
  auto f = dir.path() / "disk";
  write_file(f, std::string(16, 'x'));
  write_at(f, 4, "abcd");
  EXPECT_EQ(read_at(f, 2, 6), "xxabcd");
  EXPECT_EQ(fs::file_size(f), 16u);
  EXPECT_THROW(read_at(f, 10, 10), Error);
}

TEST(Files, SetTreeTimes) {
  TempDir dir;
  fs::create_directories(dir.path() / "a/b");
  write_file(dir.path() / "a/b/c", "x");
  set_tree_times(dir.path(), 1234);
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() / "a/b/c").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, 1234);
  ASSERT_EQ(::stat((dir.path() / "a").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, 1234);
}

}  // namespace bronze
