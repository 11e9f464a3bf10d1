#include "node/machined/upgrade/new_installer.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/files.h"

namespace bronze::machined {
namespace fs = std::filesystem;

namespace {
void touch(const fs::path& p) {
  fs::create_directories(p.parent_path());
  write_file(p, "x");
}
}  // namespace

TEST(NewInstaller, RunsTheImagesInstallerThroughItsOwnLoaderAndLibraries) {
  TempDir root("bronze-new-installer");
  touch(root.path() / "bin/installer");
  touch(root.path() / "lib64/ld-linux-x86-64.so.2");
  touch(root.path() / "lib/x86_64-linux-gnu/libc.so.6");
  touch(root.path() / "usr/lib/x86_64-linux-gnu/libfdisk.so.1");
  touch(root.path() / "payload/boot.ext4");
  auto argv = new_installer_command(root.path());
  ASSERT_EQ(argv.size(), 4u);
  EXPECT_EQ(argv[0], (root.path() / "lib64/ld-linux-x86-64.so.2").string());
  EXPECT_EQ(argv[1], "--library-path");
  EXPECT_EQ(argv[2], (root.path() / "lib").string() + "/x86_64-linux-gnu:" + (root.path() / "lib64").string() + ":" +
                         (root.path() / "usr/lib/x86_64-linux-gnu").string());
  EXPECT_EQ(argv[3], (root.path() / "bin/installer").string());
}

TEST(NewInstaller, RefusesAnImageWithoutInstallerOrLoader) {
  TempDir root("bronze-new-installer");
  touch(root.path() / "payload/boot.ext4");
  EXPECT_THROW(new_installer_command(root.path()), Error);
  touch(root.path() / "bin/installer");
  try {
    new_installer_command(root.path());
    FAIL() << "an image without a loader was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("ELF loader"), std::string::npos) << e.what();
  }
}

}  // namespace bronze::machined
