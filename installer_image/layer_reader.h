// The entries of a layer blob (a tar, possibly gzip- or zstd-compressed),
// read straight out of the outer archive without a temporary copy.
#pragma once

#include <archive.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "installer_image/byte_stream.h"

namespace bronze::oci {

struct LayerEntry {
  enum class Type { kFile, kDirectory, kSymlink, kHardlink, kOther };
  std::string path;         // normalized (normalize_layer_path); empty for the root
  std::string raw_path;     // as written, for messages
  Type type = Type::kOther;
  std::string link_target;  // kSymlink: as written; kHardlink: normalized
  uint64_t size = 0;        // kFile
  uint32_t mode = 0;        // permission bits
  int64_t mtime = 0;
};

class LayerReader {
 public:
  // `blob`: the layer's blob in the outer archive (OuterArchive::open_blob).
  explicit LayerReader(std::unique_ptr<ByteStream> blob);
  ~LayerReader();
  LayerReader(const LayerReader&) = delete;
  LayerReader& operator=(const LayerReader&) = delete;

  // The next entry, or false at the end of the layer. Throws for a name the
  // path rules refuse (normalize_layer_path).
  bool next(LayerEntry& entry);
  // The current entry's data, a piece at a time; 0 at its end.
  size_t read(void* buffer, size_t size);
  // Reads the rest of the blob and checks it (ByteStream::finish: for a
  // BlobStream, its digest).
  void finish();

 private:
  static la_ssize_t read_callback(archive* a, void* self, const void** buffer);
  std::unique_ptr<ByteStream> blob_;
  std::vector<char> buffer_;
  archive* archive_ = nullptr;
};

}  // namespace bronze::oci
