#include "installer_image/layer_reader.h"

#include <archive_entry.h>

#include <vector>

#include "base/error.h"
#include "installer_image/layer_paths.h"

namespace bronze::oci {

LayerReader::LayerReader(std::unique_ptr<ByteStream> blob) : blob_(std::move(blob)), buffer_(1 << 16) {
  archive_ = archive_read_new();
  archive_read_support_format_tar(archive_);
  archive_read_support_filter_gzip(archive_);
  archive_read_support_filter_zstd(archive_);
  if (archive_read_open(archive_, this, nullptr, &LayerReader::read_callback, nullptr) != ARCHIVE_OK) {
    std::string why = archive_error_string(archive_) ? archive_error_string(archive_) : "not a tar";
    archive_read_free(archive_);
    throw Error("OCI layer is not a readable tar: " + why);
  }
}

LayerReader::~LayerReader() { archive_read_free(archive_); }

// libarchive pulls the layer's bytes through here. An exception must not
// cross libarchive's C frames, so a failure is reported as an error instead;
// finish() then rethrows the real reason.
la_ssize_t LayerReader::read_callback(archive* a, void* self, const void** buffer) {
  auto* reader = static_cast<LayerReader*>(self);
  try {
    size_t got = reader->blob_->read(reader->buffer_.data(), reader->buffer_.size());
    *buffer = reader->buffer_.data();
    return static_cast<la_ssize_t>(got);
  } catch (const std::exception& e) {
    archive_set_error(a, EIO, "%s", e.what());
    return -1;
  }
}

bool LayerReader::next(LayerEntry& out) {
  archive_entry* entry = nullptr;
  int status = archive_read_next_header(archive_, &entry);
  if (status == ARCHIVE_EOF) return false;
  if (status < ARCHIVE_WARN) {
    const char* why = archive_error_string(archive_);
    throw Error(std::string("OCI layer is damaged: ") + (why ? why : "unreadable tar"));
  }
  const char* name = archive_entry_pathname(entry);
  out = LayerEntry{};
  out.raw_path = name ? name : "";
  out.path = normalize_layer_path(out.raw_path);
  out.mode = archive_entry_perm(entry) & 07777;
  out.mtime = archive_entry_mtime(entry);
  const char* hardlink = archive_entry_hardlink(entry);
  if (hardlink) {
    out.type = LayerEntry::Type::kHardlink;
    try {
      out.link_target = normalize_layer_path(hardlink);
    } catch (const Error& e) {
      throw Error("hard link '" + out.raw_path + "' points outside the folder: " + e.what());
    }
    return true;
  }
  switch (archive_entry_filetype(entry)) {
    case AE_IFREG:
      out.type = LayerEntry::Type::kFile;
      out.size = static_cast<uint64_t>(archive_entry_size(entry));
      break;
    case AE_IFDIR:
      out.type = LayerEntry::Type::kDirectory;
      break;
    case AE_IFLNK: {
      out.type = LayerEntry::Type::kSymlink;
      const char* target = archive_entry_symlink(entry);
      out.link_target = target ? target : "";
      break;
    }
    default:
      out.type = LayerEntry::Type::kOther;
  }
  return true;
}

size_t LayerReader::read(void* buffer, size_t size) {
  la_ssize_t got = archive_read_data(archive_, buffer, size);
  if (got < 0) {
    const char* why = archive_error_string(archive_);
    throw Error(std::string("OCI layer is damaged: ") + (why ? why : "unreadable data"));
  }
  return static_cast<size_t>(got);
}

void LayerReader::finish() { blob_->finish(); }

}  // namespace bronze::oci
