#include "base/fd_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "base/error.h"

namespace bronze {

FdReader::FdReader(const std::filesystem::path& path) {
  if (path.empty()) {
    name_ = "standard input";
    fd_ = 0;
    return;
  }
  name_ = path.string();
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw_errno("cannot open " + name_);
  owned_ = true;
}

FdReader::~FdReader() {
  if (owned_) ::close(fd_);
}

size_t FdReader::read(char* buffer, size_t size) {
  while (true) {
    ssize_t n = ::read(fd_, buffer, size);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) throw_errno("cannot read " + name_);
  }
}

}  // namespace bronze
