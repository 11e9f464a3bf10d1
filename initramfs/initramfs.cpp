#include "initramfs/initramfs.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <fstream>
#include <memory>
#include <vector>

#include "base/error.h"

namespace bronze::initramfs {

namespace {

using ArchivePtr = std::unique_ptr<archive, int (*)(archive*)>;
using EntryPtr = std::unique_ptr<archive_entry, void (*)(archive_entry*)>;

void check(archive* a, int rc, const std::string& what) {
  if (rc < ARCHIVE_OK) throw Error("libarchive: " + what + ": " + (archive_error_string(a) ? archive_error_string(a) : "unknown error"));
}

EntryPtr new_entry(const char* name, mode_t type, mode_t perm, int64_t epoch, int64_t ino) {
  EntryPtr e(archive_entry_new(), archive_entry_free);
  archive_entry_set_pathname(e.get(), name);
  archive_entry_set_filetype(e.get(), type);
  archive_entry_set_perm(e.get(), perm);
  archive_entry_set_uid(e.get(), 0);
  archive_entry_set_gid(e.get(), 0);
  archive_entry_set_mtime(e.get(), epoch, 0);
  archive_entry_set_ino64(e.get(), ino);
  archive_entry_set_nlink(e.get(), type == AE_IFDIR ? 2 : 1);
  archive_entry_set_size(e.get(), 0);
  return e;
}

void add_file(archive* a, const char* name, const std::filesystem::path& source, mode_t perm, int64_t epoch, int64_t ino) {
  std::ifstream in(source, std::ios::binary);
  if (!in) throw_errno("cannot read " + source.string());
  auto size = static_cast<int64_t>(std::filesystem::file_size(source));
  EntryPtr e = new_entry(name, AE_IFREG, perm, epoch, ino);
  archive_entry_set_size(e.get(), size);
  check(a, archive_write_header(a, e.get()), std::string("write header of ") + name);
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    auto n = static_cast<size_t>(in.gcount());
    if (n > 0 && archive_write_data(a, buffer.data(), n) < 0) check(a, ARCHIVE_FATAL, std::string("write ") + name);
  }
}

}  // namespace

void make_initramfs(const std::filesystem::path& init, const std::filesystem::path& rootfs_sqfs,
                    const std::filesystem::path& out, int64_t epoch) {
  ArchivePtr a(archive_write_new(), archive_write_free);
  check(a.get(), archive_write_set_format_cpio_newc(a.get()), "newc format");
  // Not compressed: rootfs.sqfs, nearly all of it, is compressed already
  // (zstd over it saves 8%), and a stream compressed whole changes from the
  // first changed byte to its end, which would make every upgrade's slot
  // image new to a delta (docs/DESIGN.md, decision 22).
  // No padding past the last block: the kernel reads the stream as is.
  check(a.get(), archive_write_set_bytes_in_last_block(a.get(), 1), "block padding");
  check(a.get(), archive_write_open_filename(a.get(), out.c_str()), "open " + out.string());

  // Sorted by name; inode numbers fixed.
  auto dev = new_entry("dev", AE_IFDIR, 0755, epoch, 1);
  check(a.get(), archive_write_header(a.get(), dev.get()), "write dev");
  auto console = new_entry("dev/console", AE_IFCHR, 0600, epoch, 2);
  archive_entry_set_rdev(console.get(), makedev(5, 1));
  check(a.get(), archive_write_header(a.get(), console.get()), "write dev/console");
  add_file(a.get(), "init", init, 0755, epoch, 3);
  add_file(a.get(), "rootfs.sqfs", rootfs_sqfs, 0644, epoch, 4);
  check(a.get(), archive_write_close(a.get()), "close " + out.string());
}

void make_install_initramfs(const std::filesystem::path& template_zst, const std::filesystem::path& out, int64_t epoch) {
  ArchivePtr a(archive_write_new(), archive_write_free);
  check(a.get(), archive_write_set_format_cpio_newc(a.get()), "newc format");
  check(a.get(), archive_write_set_bytes_in_last_block(a.get(), 1), "block padding");
  check(a.get(), archive_write_open_filename(a.get(), out.c_str()), "open " + out.string());
  auto dir = new_entry("install", AE_IFDIR, 0755, epoch, 1);
  check(a.get(), archive_write_header(a.get(), dir.get()), "write install");
  add_file(a.get(), "install/disk.raw.zst", template_zst, 0600, epoch, 2);
  check(a.get(), archive_write_close(a.get()), "close " + out.string());
}

}  // namespace bronze::initramfs
