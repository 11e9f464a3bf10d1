#include "imager/outputs/compress.h"

#include <archive.h>
#include <archive_entry.h>

#include <fstream>
#include <memory>
#include <vector>

#include "base/error.h"

namespace bronze::imager {
namespace fs = std::filesystem;

namespace {

void check(archive* a, int rc, const std::string& what) {
  if (rc < ARCHIVE_WARN) {
    const char* detail = archive_error_string(a);
    throw Error("libarchive: " + what + ": " + (detail ? detail : "unknown error"));
  }
}

// Adds the filter and returns its libarchive name (for its options).
std::string add_filter(archive* a, const std::string& compression) {
  if (compression == "zstd") {
    check(a, archive_write_add_filter_zstd(a), "zstd");
    return "zstd";
  }
  if (compression == "xz") {
    check(a, archive_write_add_filter_xz(a), "xz");
    return "xz";
  }
  if (compression == "gz") {
    check(a, archive_write_add_filter_gzip(a), "gzip");
    // gzip would record the time of writing.
    check(a, archive_write_set_filter_option(a, "gzip", "timestamp", nullptr), "gzip without a timestamp");
    return "gzip";
  }
  throw Error("unknown compression '" + compression + "' (known: zstd, xz, gz)");
}

}  // namespace

void compress_file(const fs::path& in, const fs::path& out, const std::string& compression, std::optional<int> level) {
  std::unique_ptr<archive, int (*)(archive*)> a(archive_write_new(), archive_write_free);
  check(a.get(), archive_write_set_format_raw(a.get()), "raw format");
  std::string filter = add_filter(a.get(), compression);
  if (level) {
    check(a.get(), archive_write_set_filter_option(a.get(), filter.c_str(), "compression-level", std::to_string(*level).c_str()),
          filter + " level");
  }
  check(a.get(), archive_write_open_filename(a.get(), out.c_str()), "open " + out.string());
  // The raw format writes one entry's data and nothing of its header.
  std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(), archive_entry_free);
  archive_entry_set_pathname(e.get(), in.filename().c_str());
  archive_entry_set_filetype(e.get(), AE_IFREG);
  archive_entry_set_size(e.get(), static_cast<la_int64_t>(fs::file_size(in)));
  check(a.get(), archive_write_header(a.get(), e.get()), "start " + out.string());
  std::ifstream input(in, std::ios::binary);
  if (!input) throw Error("cannot read " + in.string());
  std::vector<char> buffer(1 << 20);
  while (input) {
    input.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    auto n = static_cast<size_t>(input.gcount());
    if (n > 0 && archive_write_data(a.get(), buffer.data(), n) < 0) check(a.get(), ARCHIVE_FATAL, "write " + out.string());
  }
  check(a.get(), archive_write_close(a.get()), "close " + out.string());
}

}  // namespace bronze::imager
