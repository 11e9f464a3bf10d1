#include "tests/support/kspp_test_support.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <stdexcept>
#include <vector>

namespace bronze::kspp::testing {

namespace {

void check(int status, archive* a, const char* what) {
  if (status != ARCHIVE_OK && status != ARCHIVE_WARN) {
    throw std::runtime_error(std::string(what) + ": " + (archive_error_string(a) ? archive_error_string(a) : "?"));
  }
}

// Bytes that look like machine code but hold none of the magics we scan for.
std::string filler(size_t size, unsigned seed) {
  std::string out(size, '\0');
  unsigned state = seed;
  for (auto& c : out) {
    state = state * 1103515245u + 12345u;
    c = static_cast<char>('A' + (state >> 16) % 26);
  }
  return out;
}

}  // namespace

std::string compress(std::string_view data, Compression compression) {
  std::unique_ptr<archive, decltype(&archive_write_free)> writer(archive_write_new(), archive_write_free);
  archive* a = writer.get();
  switch (compression) {
    case Compression::Gzip: check(archive_write_add_filter_gzip(a), a, "gzip"); break;
    case Compression::Xz: check(archive_write_add_filter_xz(a), a, "xz"); break;
    case Compression::Zstd: check(archive_write_add_filter_zstd(a), a, "zstd"); break;
    case Compression::Bzip2: check(archive_write_add_filter_bzip2(a), a, "bzip2"); break;
    case Compression::Lzma: check(archive_write_add_filter_lzma(a), a, "lzma"); break;
  }
  check(archive_write_set_format_raw(a), a, "raw format");
  // The raw writer pads to blocks unless told otherwise.
  check(archive_write_set_bytes_in_last_block(a, 1), a, "block size");
  std::vector<char> buffer(data.size() * 2 + 4096);
  size_t used = 0;
  check(archive_write_open_memory(a, buffer.data(), buffer.size(), &used), a, "open");
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(), archive_entry_free);
  archive_entry_set_pathname(entry.get(), "payload");
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(data.size()));
  check(archive_write_header(a, entry.get()), a, "header");
  if (archive_write_data(a, data.data(), data.size()) != static_cast<la_ssize_t>(data.size())) {
    throw std::runtime_error("compress: short write");
  }
  check(archive_write_close(a), a, "close");
  return std::string(buffer.data(), used);
}

std::string ikconfig_blob(std::string_view config_text) {
  return "IKCFG_ST" + compress(config_text, Compression::Gzip) + "IKCFG_ED";
}

std::string fake_compressed_kernel(std::string_view config_text, Compression payload) {
  std::string kernel = filler(20000, 1) + ikconfig_blob(config_text) + filler(30000, 2);
  return filler(4096, 3) + compress(kernel, payload) + filler(512, 4);
}

Report audit_text(std::string_view config_text, AuditOptions options) {
  return audit(KernelConfig::parse(config_text), options);
}

std::string header(std::string_view arch, std::string_view version) {
  std::string out = "#\n# Automatically generated file; DO NOT EDIT.\n# Linux/" + std::string(arch) + " " +
                    std::string(version) + " Kernel Configuration\n#\n";
  out += arch == "arm64" ? "CONFIG_ARM64=y\n" : "CONFIG_X86_64=y\n";
  return out;
}

}  // namespace bronze::kspp::testing
