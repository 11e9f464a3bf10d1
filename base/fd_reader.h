// Reads a file, or standard input, in order: the installer's source for a
// slot image handed to it apart from its archive (`--payload FILE|-`).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace bronze {

class FdReader {
 public:
  // An empty path reads standard input.
  explicit FdReader(const std::filesystem::path& path);
  ~FdReader();
  FdReader(const FdReader&) = delete;
  FdReader& operator=(const FdReader&) = delete;

  // Up to `size` bytes; 0 at the end. Retries interrupted reads; throws on
  // an error, naming the source.
  size_t read(char* buffer, size_t size);

 private:
  std::string name_;
  int fd_ = -1;
  bool owned_ = false;
};

}  // namespace bronze
