#include "disk/install/template_unpack.h"

#include <archive.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/files.h"

namespace bronze::disk {
namespace fs = std::filesystem;

namespace {

// Holes go by this much: small enough to find the gaps between a
// filesystem's metadata, large enough to be cheap.
constexpr size_t kZeroGrain = 64 * 1024;

bool all_zero(const char* data, size_t size) {
  return std::all_of(data, data + size, [](char c) { return c == 0; });
}

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

void pwrite_all(int fd, const char* data, size_t size, uint64_t offset, const fs::path& path) {
  while (size > 0) {
    ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw_errno("cannot write " + path.string());
    data += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
}

}  // namespace

void unpack_template(const fs::path& compressed, const fs::path& out, uint64_t max_bytes) {
  std::unique_ptr<archive, int (*)(archive*)> a(archive_read_new(), archive_read_free);
  // Only what the imager writes. Every other filter is untested here, and
  // some of libarchive's (lrzip, lzop, grzip) run an external program.
  archive_read_support_filter_zstd(a.get());
  archive_read_support_format_raw(a.get());
  auto fail = [&](const std::string& what) {
    const char* detail = archive_error_string(a.get());
    throw Error("cannot unpack the installation template " + compressed.string() + ": " + what +
                (detail ? std::string(": ") + detail : std::string()));
  };
  if (archive_read_open_filename(a.get(), compressed.c_str(), 1 << 20) != ARCHIVE_OK) fail("cannot open it");
  archive_entry* entry = nullptr;
  if (archive_read_next_header(a.get(), &entry) != ARCHIVE_OK) fail("no data");
  if (archive_filter_code(a.get(), 0) != ARCHIVE_FILTER_ZSTD) {
    throw Error("cannot unpack the installation template " + compressed.string() +
                ": it is not zstd-compressed (the imager writes install/disk.raw.zst with zstd)");
  }
  StagedFile staged(out);
  Fd fd{::open(staged.path().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)};
  if (fd.fd < 0) throw_errno("cannot create " + staged.path().string());
  std::vector<char> buffer(MiB);
  uint64_t offset = 0;
  while (true) {
    la_ssize_t n = archive_read_data(a.get(), buffer.data(), buffer.size());
    if (n < 0) fail("corrupt data");
    if (n == 0) break;
    if (static_cast<uint64_t>(n) > max_bytes - offset) {
      throw Error("the installation template " + compressed.string() + " unpacks to more than " +
                  format_size(max_bytes) + "; it is damaged, or not a template this installer made");
    }
    for (size_t at = 0; at < static_cast<size_t>(n); at += kZeroGrain) {
      size_t piece = std::min(kZeroGrain, static_cast<size_t>(n) - at);
      if (!all_zero(buffer.data() + at, piece)) pwrite_all(fd.fd, buffer.data() + at, piece, offset + at, staged.path());
    }
    offset += static_cast<uint64_t>(n);
  }
  // A trailing run of zeros is a hole up to the size.
  if (::ftruncate(fd.fd, static_cast<off_t>(offset)) != 0) throw_errno("cannot size " + staged.path().string());
  staged.commit();
}

}  // namespace bronze::disk
