#include "initramfs/initramfs_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include <exception>
#include <functional>
#include <memory>
#include <vector>

#include "base/error.h"

namespace bronze::initramfs {

namespace {

using Archive = std::unique_ptr<archive, int (*)(archive*)>;

// Finds `name` in an opened initramfs and hands its bytes to `sink`.
void find_and_read(archive* a, const std::string& name, const std::function<void(std::string_view)>& sink) {
  auto fail = [&](const std::string& what) {
    const char* detail = archive_error_string(a);
    throw Error("initramfs: " + what + ": " + (detail ? detail : "unknown error"));
  };
  archive_entry* entry = nullptr;
  while (true) {
    int rc = archive_read_next_header(a, &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) fail("cannot read an entry");
    if (name != archive_entry_pathname(entry)) continue;
    std::vector<char> buffer(1 << 20);
    la_ssize_t n = 0;
    while ((n = archive_read_data(a, buffer.data(), buffer.size())) > 0) {
      sink(std::string_view(buffer.data(), static_cast<size_t>(n)));
    }
    if (n < 0) fail("cannot read " + name);
    return;
  }
  throw Error("the initramfs holds no " + name);
}

// Only what the imager writes (zstd, or none). libarchive's other readers
// are untested here, and some (lrzip, lzop, grzip) run an external program
// found on PATH for input that merely starts with their magic.
Archive new_reader() {
  Archive a(archive_read_new(), archive_read_free);
  archive_read_support_filter_zstd(a.get());
  archive_read_support_format_cpio(a.get());
  return a;
}

struct Source {
  const std::function<size_t(char*, size_t)>* read;
  std::vector<char> buffer;
  std::exception_ptr failure;
};

la_ssize_t read_source(archive*, void* data, const void** block) {
  auto* source = static_cast<Source*>(data);
  try {
    size_t n = (*source->read)(source->buffer.data(), source->buffer.size());
    *block = source->buffer.data();
    return static_cast<la_ssize_t>(n);
  } catch (...) {
    source->failure = std::current_exception();
    return -1;
  }
}

}  // namespace

void stream_from_initramfs(const std::function<size_t(char*, size_t)>& read, const std::string& name,
                           const std::function<void(std::string_view)>& sink) {
  Archive a = new_reader();
  Source source{&read, std::vector<char>(1 << 20), nullptr};
  if (archive_read_open(a.get(), &source, nullptr, &read_source, nullptr) != ARCHIVE_OK) {
    if (source.failure) std::rethrow_exception(source.failure);
    const char* detail = archive_error_string(a.get());
    throw Error(std::string("initramfs: cannot open: ") + (detail ? detail : "unknown error"));
  }
  try {
    find_and_read(a.get(), name, sink);
  } catch (const Error&) {
    if (source.failure) std::rethrow_exception(source.failure);
    throw;
  }
}

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
