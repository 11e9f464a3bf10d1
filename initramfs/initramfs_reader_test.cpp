#include "initramfs/initramfs_reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/files.h"

namespace bronze::initramfs {
namespace {

namespace fs = std::filesystem;

enum class Filter { kNone, kZstd, kGzip };

// A newc cpio of `files` (name, content), written as the imager writes the
// initramfs, with the given compression.
std::string make_cpio(const std::vector<std::pair<std::string, std::string>>& files, Filter filter) {
  std::unique_ptr<archive, int (*)(archive*)> a(archive_write_new(), archive_write_free);
  EXPECT_EQ(archive_write_set_format_cpio_newc(a.get()), ARCHIVE_OK);
  if (filter == Filter::kZstd) {
    EXPECT_EQ(archive_write_add_filter_zstd(a.get()), ARCHIVE_OK);
  } else if (filter == Filter::kGzip) {
    EXPECT_EQ(archive_write_add_filter_gzip(a.get()), ARCHIVE_OK);
  }
  EXPECT_EQ(archive_write_set_bytes_in_last_block(a.get(), 1), ARCHIVE_OK);
  std::string out(1 << 20, '\0');
  size_t used = 0;
  EXPECT_EQ(archive_write_open_memory(a.get(), out.data(), out.size(), &used), ARCHIVE_OK);
  for (const auto& [name, content] : files) {
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(e.get(), name.c_str());
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(content.size()));
    EXPECT_EQ(archive_write_header(a.get(), e.get()), ARCHIVE_OK);
    EXPECT_EQ(archive_write_data(a.get(), content.data(), content.size()), static_cast<la_ssize_t>(content.size()));
  }
  EXPECT_EQ(archive_write_close(a.get()), ARCHIVE_OK);
  out.resize(used);
  return out;
}

std::string error_of(const std::string& initramfs, const std::string& name) {
  try {
    read_from_initramfs(initramfs, name);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(InitramfsReader, ReadsAFileOutOfTheImagersInitramfs) {
  std::string rootfs = "hsqs" + std::string(5000, 's');
  for (Filter filter : {Filter::kZstd, Filter::kNone}) {
    std::string initramfs = make_cpio({{"init", "#!init"}, {"rootfs.sqfs", rootfs}}, filter);
    EXPECT_EQ(read_from_initramfs(initramfs, "rootfs.sqfs"), rootfs);
    EXPECT_NE(error_of(initramfs, "missing").find("the initramfs holds no missing"), std::string::npos);
  }
}

TEST(InitramfsReader, AnotherCompressionIsRefused) {
  std::string error = error_of(make_cpio({{"rootfs.sqfs", "hsqs"}}, Filter::kGzip), "rootfs.sqfs");
  EXPECT_NE(error.find("initramfs: "), std::string::npos) << error;
}

// Found while fuzzing (tests/fuzz/initramfs_reader.cpp): with every
// libarchive filter enabled, bytes that merely start with the magic of
// lrzip, lzop or grzip made the reader run that program from PATH to
// decompress them. A slot's initramfs is read before it is trusted, so no
// program may run: each must be refused, and the stand-ins put first on
// PATH here must never have run.
TEST(InitramfsReader, RunsNoDecompressorProgram) {
  TempDir dir("bronze-initramfs-test");
  fs::path marker = dir.path() / "ran";
  for (const char* program : {"lrzip", "lzop", "grzip", "lz4", "zstd", "gzip", "xz", "bzip2"}) {
    fs::path stand_in = dir.path() / program;
    write_file(stand_in, "#!/bin/sh\necho " + std::string(program) + " >> " + marker.string() + "\ncat >/dev/null\n");
    fs::permissions(stand_in, fs::perms::owner_all);
  }
  std::string saved_path = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", (dir.path().string() + ":" + saved_path).c_str(), 1);
  std::string junk(512, 'x');
  std::vector<std::string> inputs = {
      std::string("LRZI\x00\x06", 6) + std::string(18, '\0') + junk,      // lrzip
      std::string("\x89LZO\x00\r\n\x1a\n", 9) + junk,                      // lzop
      std::string("GRZipII\x00\x02\x04:)", 12) + junk,                    // grzip
  };
  for (const auto& input : inputs) EXPECT_THROW(read_from_initramfs(input, "rootfs.sqfs"), Error);
  ::setenv("PATH", saved_path.c_str(), 1);
  EXPECT_FALSE(fs::exists(marker)) << "ran: " << read_file(marker);
}

}  // namespace
}  // namespace bronze::initramfs
