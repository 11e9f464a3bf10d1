#include "rootfs/elf_deps.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "base/error.h"
#include "base/files.h"

namespace bronze::rootfs {

TEST(ElfDeps, FindsLibcAndTheLoaderOfADynamicBinary) {
  auto libs = resolve_libraries("/bin/sh", default_library_dirs("amd64"));
  auto has = [&](const std::string& name) {
    return std::any_of(libs.begin(), libs.end(), [&](const auto& p) { return p.filename() == name; });
  };
  EXPECT_TRUE(has("libc.so.6"));
  EXPECT_TRUE(has("ld-linux-x86-64.so.2"));
}

TEST(ElfDeps, NamesTheArchOfABinary) {
  EXPECT_EQ(elf_arch("/bin/sh"), "amd64");
  EXPECT_NO_THROW(require_elf_arch("/bin/sh", "amd64", "shell", "use another"));
  try {
    require_elf_arch("/bin/sh", "arm64", "init binary", "pass --init PATH");
    FAIL() << "an amd64 binary passed for arm64";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("init binary /bin/sh is built for amd64, not arm64; pass --init PATH"),
              std::string::npos)
        << e.what();
  }
}

TEST(ElfDeps, ReportsAMissingLibrary) {
  EXPECT_THROW(resolve_libraries("/bin/sh", {"/nonexistent"}), Error);
}

TEST(ElfDeps, RefusesANonElfFile) {
  TempDir dir;
  write_file(dir.path() / "x", "not elf");
  EXPECT_THROW(read_elf_info(dir.path() / "x"), Error);
}

}  // namespace bronze::rootfs

namespace bronze::rootfs {

TEST(ElfDeps, BuildIdNamesADebianBinary) {
  std::string id = build_id("/bin/sh");
  EXPECT_EQ(id.size(), 40u) << id;  // SHA-1 sized, as GNU ld makes it
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(id, build_id("/bin/sh"));
  EXPECT_NE(id, build_id("/bin/ls"));
}

}  // namespace bronze::rootfs
