#include "disk/install/template_unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <string>

#include "base/error.h"
#include "base/files.h"

namespace bronze::disk {
namespace {

namespace fs = std::filesystem;

enum class Filter { kZstd, kGzip };

// `data` compressed the way the imager compresses the template (a raw
// libarchive stream), or with another filter to be refused.
std::string compress(const std::string& data, Filter filter = Filter::kZstd) {
  std::unique_ptr<archive, int (*)(archive*)> a(archive_write_new(), archive_write_free);
  EXPECT_EQ(archive_write_set_format_raw(a.get()), ARCHIVE_OK);
  EXPECT_EQ(filter == Filter::kZstd ? archive_write_add_filter_zstd(a.get()) : archive_write_add_filter_gzip(a.get()),
            ARCHIVE_OK);
  std::string out(data.size() + 4096, '\0');
  size_t used = 0;
  EXPECT_EQ(archive_write_open_memory(a.get(), out.data(), out.size(), &used), ARCHIVE_OK);
  std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(), archive_entry_free);
  archive_entry_set_pathname(e.get(), "disk.raw");
  archive_entry_set_filetype(e.get(), AE_IFREG);
  archive_entry_set_size(e.get(), static_cast<la_int64_t>(data.size()));
  EXPECT_EQ(archive_write_header(a.get(), e.get()), ARCHIVE_OK);
  EXPECT_EQ(archive_write_data(a.get(), data.data(), data.size()), static_cast<la_ssize_t>(data.size()));
  EXPECT_EQ(archive_write_close(a.get()), ARCHIVE_OK);
  out.resize(used);
  return out;
}

class TemplateUnpack : public ::testing::Test {
 protected:
  std::string error_of(const std::string& compressed, uint64_t max_bytes) {
    write_file(input(), compressed);
    try {
      unpack_template(input(), output(), max_bytes);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
  // The whole unpacked file (read_file goes a byte at a time: too slow for
  // megabytes in this build).
  std::string unpacked() const { return read_at(output(), 0, fs::file_size(output())); }
  fs::path input() const { return dir_.path() / "disk.raw.zst"; }
  fs::path output() const { return dir_.path() / "out" / "disk.raw"; }
  // Nothing but the (empty) output folder: no partial file, no staged copy.
  bool nothing_written() const { return fs::is_empty(dir_.path() / "out"); }

  void SetUp() override { fs::create_directory(dir_.path() / "out"); }

 private:
  TempDir dir_{"bronze-template-unpack"};
};

// A disk's worth of bytes: data at the start and the end, zeros between.
std::string disk_bytes(uint64_t size) {
  std::string disk(size, '\0');
  disk.replace(0, 5, "start");
  disk.replace(size - 3, 3, "end");
  return disk;
}

TEST_F(TemplateUnpack, UnpacksToASparseFile) {
  std::string disk = disk_bytes(4 * MiB);
  write_file(input(), compress(disk));
  unpack_template(input(), output());
  EXPECT_TRUE(unpacked() == disk);
  struct stat st {};
  ASSERT_EQ(::stat(output().c_str(), &st), 0);
  // Two 64 KiB pieces of data at most; the zeros between are a hole.
  EXPECT_LE(static_cast<uint64_t>(st.st_blocks) * 512, 2 * 64 * KiB + 64 * KiB);
}

TEST_F(TemplateUnpack, ATemplateOfExactlyTheLimitUnpacks) {
  std::string disk = disk_bytes(3 * MiB);
  EXPECT_EQ(error_of(compress(disk), 3 * MiB), "");
  EXPECT_TRUE(unpacked() == disk);
}

// A few kilobytes of zstd can claim gigabytes; the live system unpacks into
// memory, so a template over the limit is refused as it grows, and leaves
// nothing behind.
TEST_F(TemplateUnpack, ATemplateOverTheLimitIsRefused) {
  std::string error = error_of(compress(disk_bytes(3 * MiB + 1)), 3 * MiB);
  EXPECT_NE(error.find("unpacks to more than 3 MiB"), std::string::npos) << error;
  EXPECT_NE(error.find("disk.raw.zst"), std::string::npos) << error;
  EXPECT_TRUE(nothing_written());
}

TEST_F(TemplateUnpack, ZerosCountTowardsTheLimit) {
  std::string error = error_of(compress(std::string(5 * MiB, '\0')), 4 * MiB);
  EXPECT_NE(error.find("unpacks to more than 4 MiB"), std::string::npos) << error;
  EXPECT_TRUE(nothing_written());
}

TEST_F(TemplateUnpack, OnlyZstdIsRead) {
  std::string disk = disk_bytes(MiB);
  for (const std::string& other : {compress(disk, Filter::kGzip), disk}) {
    std::string error = error_of(other, 4 * MiB);
    EXPECT_NE(error.find("not zstd-compressed"), std::string::npos) << error;
    EXPECT_TRUE(nothing_written());
  }
}

TEST_F(TemplateUnpack, ATruncatedTemplateIsRefused) {
  std::string compressed = compress(disk_bytes(2 * MiB) + std::string(MiB, 'x'));
  std::string error = error_of(compressed.substr(0, compressed.size() / 2), 8 * MiB);
  EXPECT_NE(error.find("cannot unpack the installation template"), std::string::npos) << error;
  EXPECT_TRUE(nothing_written());
}

}  // namespace
}  // namespace bronze::disk
