#include "base/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <system_error>
#include <vector>

#include "base/error.h"

namespace bronze {
namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_errno("cannot read " + path.string());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string read_file_or_empty(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return in ? std::string(std::istreambuf_iterator<char>(in), {}) : std::string();
}

void write_file(const fs::path& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw_errno("cannot write " + path.string());
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  out.close();
  if (!out) throw_errno("cannot write " + path.string());
}

std::string read_at(const fs::path& path, uint64_t offset, size_t length) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("cannot open " + path.string());
  std::string buffer(length, '\0');
  size_t done = 0;
  while (done < length) {
    ssize_t n = ::pread(fd, buffer.data() + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      throw Error("cannot read " + std::to_string(length) + " bytes at offset " + std::to_string(offset) +
                  " of " + path.string() + ": file too short");
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return buffer;
}

void write_at(const fs::path& path, uint64_t offset, std::string_view data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("cannot open " + path.string() + " for writing");
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int saved = errno;
      ::close(fd);
      errno = saved;
      throw_errno("cannot write " + path.string());
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    throw_errno("cannot flush " + path.string());
  }
  ::close(fd);
}

void set_tree_times(const fs::path& root, int64_t epoch) {
  const struct timespec times[2] = {{epoch, 0}, {epoch, 0}};
  std::vector<fs::path> paths{root};
  for (const auto& entry : fs::recursive_directory_iterator(root)) paths.push_back(entry.path());
  for (const auto& p : paths) {
    if (::utimensat(AT_FDCWD, p.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
      throw_errno("cannot set times of " + p.string());
    }
  }
}

static std::string random_suffix() {
  std::random_device device;
  std::uniform_int_distribution<uint32_t> dist;
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%08x", dist(device));
  return buffer;
}

StagedFile::StagedFile(fs::path destination) : destination_(std::move(destination)) {
  temp_ = destination_;
  temp_ += ".partial-" + random_suffix();
}

StagedFile::~StagedFile() {
  if (!committed_) {
    std::error_code ignored;
    fs::remove(temp_, ignored);
  }
}

void StagedFile::commit() {
  std::error_code error;
  fs::rename(temp_, destination_, error);
  if (error) throw Error("cannot move " + temp_.string() + " to " + destination_.string() + ": " + error.message());
  committed_ = true;
}

namespace {
fs::path temp_parent() {
  const char* base = std::getenv("TMPDIR");
  return base && *base ? base : "/tmp";
}
}  // namespace

TempDir::TempDir(const std::string& prefix) : TempDir(prefix, temp_parent()) {}

TempDir::TempDir(const std::string& prefix, const fs::path& parent) {
  std::error_code ignored;
  fs::create_directories(parent, ignored);
  std::string pattern = (parent / (prefix + ".XXXXXX")).string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (!::mkdtemp(buffer.data())) throw_errno("cannot create a temporary folder " + pattern);
  path_ = buffer.data();
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

}  // namespace bronze
