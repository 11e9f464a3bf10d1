// File helpers, and the two RAII guards that keep failures from leaving
// half-written output behind: StagedFile (write aside, rename on success) and
// TempDir (removed with everything in it).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace bronze {

std::string read_file(const std::filesystem::path& path);
// The file's bytes, or "" when it cannot be read: for a /proc or /etc
// file the kernel or image may not have (no ip=dhcp, no os-release).
std::string read_file_or_empty(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, std::string_view data);
// Reads `length` bytes at `offset`; throws when the file is shorter.
std::string read_at(const std::filesystem::path& path, uint64_t offset, size_t length);
// Writes in place at `offset` without truncating, then fsyncs.
void write_at(const std::filesystem::path& path, uint64_t offset, std::string_view data);
// Sets atime and mtime of every entry below `root` (and root) to `epoch`.
void set_tree_times(const std::filesystem::path& root, int64_t epoch);

// A file written under a temporary name next to its destination; commit()
// renames it into place. Destroyed uncommitted, it is removed.
class StagedFile {
 public:
  explicit StagedFile(std::filesystem::path destination);
  ~StagedFile();
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  const std::filesystem::path& path() const { return temp_; }
  const std::filesystem::path& destination() const { return destination_; }
  void commit();

 private:
  std::filesystem::path destination_;
  std::filesystem::path temp_;
  bool committed_ = false;
};

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "bronze");
  // Under `parent` (created when missing) instead of $TMPDIR.
  TempDir(const std::string& prefix, const std::filesystem::path& parent);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace bronze
