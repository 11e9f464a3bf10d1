#include "installer_image/reproducible_tar.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <set>

#include "base/error.h"

namespace bronze::oci {

namespace {

namespace fs = std::filesystem;

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

void check(archive* a, int status, const std::string& what) {
  if (status < ARCHIVE_OK) {
    const char* why = archive_error_string(a);
    throw Error("tar: " + what + ": " + (why ? why : "unknown libarchive error"));
  }
}

// Every folder above each entry gets its own entry, so extractors that do
// not create parents (and `tar tvf` readers) see a complete tree.
void add_parent_folders(std::vector<TarEntry>& entries) {
  std::set<std::string> present;
  for (const auto& e : entries) present.insert(e.path);
  std::vector<TarEntry> parents;
  for (const auto& e : entries) {
    for (size_t slash = e.path.find('/'); slash != std::string::npos; slash = e.path.find('/', slash + 1)) {
      std::string parent = e.path.substr(0, slash);
      if (present.insert(parent).second) {
        parents.push_back({parent, TarEntry::Kind::kDirectory, {}, {}, 0755});
      }
    }
  }
  entries.insert(entries.end(), parents.begin(), parents.end());
}

void write_data(archive* a, const TarEntry& entry, uint64_t size) {
  if (entry.kind == TarEntry::Kind::kFileFromMemory) {
    la_ssize_t written = archive_write_data(a, entry.data.data(), entry.data.size());
    if (written < 0 || static_cast<size_t>(written) != entry.data.size()) check(a, ARCHIVE_FATAL, "write " + entry.path);
    return;
  }
  std::ifstream in(entry.source, std::ios::binary);
  if (!in) throw Error("cannot read " + entry.source.string() + " for layer entry " + entry.path);
  std::vector<char> buffer(1 << 20);
  uint64_t done = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    auto got = static_cast<size_t>(in.gcount());
    if (got == 0) break;
    if (done + got > size) break;
    la_ssize_t written = archive_write_data(a, buffer.data(), got);
    if (written < 0 || static_cast<size_t>(written) != got) check(a, ARCHIVE_FATAL, "write " + entry.path);
    done += got;
  }
  if (done != size || in.bad()) {
    throw Error(entry.source.string() + " changed while it was being written into the image (expected " +
                std::to_string(size) + " bytes); rebuild once nothing else writes it");
  }
}

}  // namespace

void write_reproducible_tar(std::vector<TarEntry> entries, const fs::path& output, int64_t epoch) {
  add_parent_folders(entries);
  std::sort(entries.begin(), entries.end(), [](const TarEntry& x, const TarEntry& y) { return x.path < y.path; });
  for (size_t i = 1; i < entries.size(); ++i) {
    if (entries[i].path == entries[i - 1].path) throw Error("tar: '" + entries[i].path + "' is listed twice");
  }

  std::unique_ptr<archive, ArchiveDeleter> a(archive_write_new());
  // Restricted pax: plain ustar headers unless a name or size needs an
  // extended header, and those hold only what the entry sets.
  check(a.get(), archive_write_set_format_pax_restricted(a.get()), "select the pax format");
  check(a.get(), archive_write_open_filename(a.get(), output.c_str()), "create " + output.string());

  int64_t inode = 1;
  for (const auto& e : entries) {
    if (e.path.empty() || e.path.front() == '/' || e.path.back() == '/') {
      throw Error("tar: entry path '" + e.path + "' must be relative and not end in '/'");
    }
    std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), e.path.c_str());
    archive_entry_set_uid(entry.get(), 0);
    archive_entry_set_gid(entry.get(), 0);
    archive_entry_set_mtime(entry.get(), epoch, 0);
    archive_entry_set_ino64(entry.get(), inode++);
    archive_entry_set_dev(entry.get(), 0);
    archive_entry_set_nlink(entry.get(), 1);
    uint64_t size = 0;
    if (e.kind == TarEntry::Kind::kDirectory) {
      archive_entry_set_filetype(entry.get(), AE_IFDIR);
    } else {
      archive_entry_set_filetype(entry.get(), AE_IFREG);
      if (e.kind == TarEntry::Kind::kFileFromMemory) {
        size = e.data.size();
      } else {
        std::error_code error;
        size = fs::file_size(e.source, error);
        if (error) throw Error("cannot read " + e.source.string() + " for layer entry " + e.path + ": " + error.message());
      }
      archive_entry_set_size(entry.get(), static_cast<la_int64_t>(size));
    }
    archive_entry_set_perm(entry.get(), static_cast<__LA_MODE_T>(e.mode & 07777));
    check(a.get(), archive_write_header(a.get(), entry.get()), "write header of " + e.path);
    if (e.kind != TarEntry::Kind::kDirectory) write_data(a.get(), e, size);
  }
  check(a.get(), archive_write_close(a.get()), "finish " + output.string());
}

}  // namespace bronze::oci
