// Every write the installer makes to a disk that already boots (upgrade,
// commit, rollback) goes through here: each write is flushed before the next
// one starts, so the order on disk is the order in the code, and a power cut
// can be simulated after any of them.
//
// Fault injection, for the power-cut suite: with BRONZE_FAULT_CUT_AFTER=k the
// process performs k writes and dies at the next one (exit code 86, nothing
// printed, like a machine losing power). With BRONZE_FAULT_TEAR=1 that next
// write is torn: only its first bytes, ending in the middle of a sector, reach
// the disk before the process dies. For the bad-input suite,
// BRONZE_FAULT_FULL_AFTER=k makes every write after the first k fail with
// ENOSPC, as on a disk image whose filesystem is full or a thin volume out of
// room.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace bronze::disk {

constexpr int kPowerCutExitCode = 86;

class DiskWriter {
 public:
  explicit DiskWriter(std::filesystem::path disk);
  ~DiskWriter();
  DiskWriter(const DiskWriter&) = delete;
  DiskWriter& operator=(const DiskWriter&) = delete;

  // Writes and flushes `data` at byte `offset`.
  void write(uint64_t offset, std::string_view data);
  // Writes without flushing, for a run of writes whose order among
  // themselves does not matter (a slot image's body), flushed together by
  // flush() before anything that depends on them. Counts as a write for the
  // fault injection like write().
  void write_unflushed(uint64_t offset, std::string_view data);
  void flush();
  // Makes `length` bytes at `offset` read as zeros and flushes: the device
  // zeroes them itself (BLKZEROOUT, cheap on disks that support it) and a
  // file gets a hole. Counts as one write for the fault injection.
  void zero(uint64_t offset, uint64_t length);
  const std::filesystem::path& disk() const { return disk_; }

  // Writes, and bytes written, so far by every DiskWriter of this process.
  static uint64_t writes_done();
  static uint64_t bytes_done();

 private:
  std::filesystem::path disk_;
  int fd_ = -1;
};

}  // namespace bronze::disk
