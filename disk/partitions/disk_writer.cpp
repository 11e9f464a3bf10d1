#include "disk/partitions/disk_writer.h"

#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <optional>

#include "base/error.h"

namespace bronze::disk {

namespace {

uint64_t g_writes = 0;
uint64_t g_bytes = 0;

std::optional<uint64_t> cut_after() {
  const char* value = std::getenv("BRONZE_FAULT_CUT_AFTER");
  if (!value || !*value) return std::nullopt;
  return std::strtoull(value, nullptr, 10);
}

// Whether the disk is "full" now (BRONZE_FAULT_FULL_AFTER): the next write
// fails with ENOSPC.
void fail_when_full(const std::filesystem::path& disk) {
  const char* value = std::getenv("BRONZE_FAULT_FULL_AFTER");
  if (!value || !*value || g_writes < std::strtoull(value, nullptr, 10)) return;
  errno = ENOSPC;
  throw_errno("cannot write to " + disk.string());
}

bool tear() {
  const char* value = std::getenv("BRONZE_FAULT_TEAR");
  return value && std::string_view(value) == "1";
}

void write_all(int fd, uint64_t offset, std::string_view data, const std::filesystem::path& disk) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw_errno("cannot write to " + disk.string());
    done += static_cast<size_t>(n);
  }
}

}  // namespace

DiskWriter::DiskWriter(std::filesystem::path disk) : disk_(std::move(disk)) {
  fd_ = ::open(disk_.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd_ < 0) throw_errno("cannot open " + disk_.string() + " for writing");
}

DiskWriter::~DiskWriter() {
  if (fd_ >= 0) ::close(fd_);
}

uint64_t DiskWriter::writes_done() { return g_writes; }
uint64_t DiskWriter::bytes_done() { return g_bytes; }

void DiskWriter::zero(uint64_t offset, uint64_t length) {
  if (auto cut = cut_after(); cut && g_writes >= *cut) ::_exit(kPowerCutExitCode);
  fail_when_full(disk_);
  struct stat st {};
  if (::fstat(fd_, &st) != 0) throw_errno("cannot stat " + disk_.string());
  if (S_ISBLK(st.st_mode)) {
    uint64_t range[2] = {offset, length};
    if (::ioctl(fd_, BLKZEROOUT, range) != 0) throw_errno("cannot zero " + std::to_string(length) + " bytes of " + disk_.string());
  } else if (::fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(offset),
                         static_cast<off_t>(length)) != 0) {
    throw_errno("cannot zero " + std::to_string(length) + " bytes of " + disk_.string());
  }
  if (::fsync(fd_) != 0) throw_errno("cannot flush " + disk_.string());
  ++g_writes;
}

void DiskWriter::write(uint64_t offset, std::string_view data) {
  write_unflushed(offset, data);
  flush();
}

void DiskWriter::flush() {
  if (::fsync(fd_) != 0) throw_errno("cannot flush " + disk_.string());
}

void DiskWriter::write_unflushed(uint64_t offset, std::string_view data) {
  auto cut = cut_after();
  if (cut && g_writes >= *cut) {
    if (tear() && !data.empty()) {
      // The write reaches the disk only up to the middle of a sector.
      size_t torn = data.size() > 512 ? (data.size() / 2) / 512 * 512 + 256 : data.size() / 2;
      write_all(fd_, offset, data.substr(0, torn), disk_);
      ::fsync(fd_);
    }
    ::_exit(kPowerCutExitCode);
  }
  fail_when_full(disk_);
  write_all(fd_, offset, data, disk_);
  ++g_writes;
  g_bytes += data.size();
}

}  // namespace bronze::disk
