#include "initramfs/initramfs_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <vector>

#include "base/error.h"

namespace bronze::initramfs {

std::string read_from_initramfs(const std::string& bytes, const std::string& name) {
  std::unique_ptr<archive, int (*)(archive*)> a(archive_read_new(), archive_read_free);
  // Only what the imager writes (zstd, or none). libarchive's other readers
  // are untested here, and some (lrzip, lzop, grzip) run an external program
  // found on PATH for input that merely starts with their magic.
  archive_read_support_filter_zstd(a.get());
  archive_read_support_format_cpio(a.get());
  auto fail = [&](const std::string& what) {
    const char* detail = archive_error_string(a.get());
    throw Error("initramfs: " + what + ": " + (detail ? detail : "unknown error"));
  };
  if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) fail("cannot open");
  archive_entry* entry = nullptr;
  while (true) {
    int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) fail("cannot read an entry");
    if (name != archive_entry_pathname(entry)) continue;
    std::string out;
    std::vector<char> buffer(1 << 20);
    la_ssize_t n = 0;
    while ((n = archive_read_data(a.get(), buffer.data(), buffer.size())) > 0) out.append(buffer.data(), static_cast<size_t>(n));
    if (n < 0) fail("cannot read " + name);
    return out;
  }
  throw Error("the initramfs holds no " + name);
}

}  // namespace bronze::initramfs
