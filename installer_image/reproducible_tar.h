// Writes a tar whose bytes depend only on its entries: sorted names, owner
// root (0:0), one mtime, fixed inode numbers, no atime/ctime, no user names.
// Both the image layer and the outer OCI archive are written with it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace bronze::oci {

struct TarEntry {
  enum class Kind { kDirectory, kFileFromDisk, kFileFromMemory };
  std::string path;  // relative, no trailing '/'
  Kind kind = Kind::kFileFromMemory;
  std::filesystem::path source;  // kFileFromDisk
  std::string data;              // kFileFromMemory
  uint32_t mode = 0644;
};

// Sorts the entries by path, adds the folders their paths need (mode 0755)
// and writes the tar to `output`, which the caller stages. Throws on a
// duplicate path or a source file that changes size while it is read.
void write_reproducible_tar(std::vector<TarEntry> entries, const std::filesystem::path& output, int64_t epoch);

}  // namespace bronze::oci
