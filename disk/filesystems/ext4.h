// ext4 filesystems inside a disk image: made with mke2fs -d at an offset,
// read with libext2fs. No mount, no loop device (docs/DESIGN.md decision 2).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "disk/partitions/layout.h"

namespace bronze::disk {

struct Ext4Options {
  std::string fs_label;
  std::string uuid;  // also the directory hash seed: same inputs, same bytes
  int64_t epoch = 0;
  // Files to put in; empty for an empty filesystem.
  std::optional<std::filesystem::path> source_dir;
  // More mke2fs options (features, inode count).
  std::vector<std::string> extra_args = {};
  // More extended options (-E), after offset, root owner and hash seed:
  // mke2fs takes only its last -E, so they all go in one.
  std::vector<std::string> extended = {};
};

// Formats `partition` of `disk`. Every inode's timestamps are set to
// `epoch` afterwards, since mke2fs -d copies the source files' ctimes.
void make_ext4(const std::filesystem::path& disk, const Partition& partition, const Ext4Options& options);

// Sets the filesystem label of the ext4 filesystem at `offset`, keeping its
// timestamps as they are.
void set_ext4_label(const std::filesystem::path& disk, uint64_t offset, const std::string& fs_label);

// Creates `name` in the root folder of the ext4 filesystem at `offset`,
// holding `content`, with permission bits `mode`, owned by root and dated
// `epoch`. Throws when the name exists: this fills a fresh filesystem (the
// machine config into STATE on a node, which has no mke2fs).
void add_file_to_ext4(const std::filesystem::path& disk, uint64_t offset, const std::string& name,
                      const std::string& content, unsigned mode, int64_t epoch);

// Puts `content` into the root folder of the ext4 filesystem at `offset` as
// `name`, replacing the file of that name if there is one, in steps that a
// power cut cannot leave half done: the content goes whole to a new file
// "<name>.new" and is flushed; then the directory entry `name` is switched
// to it (one directory block, so `name` holds the old content or the new,
// never neither and never part of one), flushed; then the staged name is
// removed and the old content freed. A "<name>.new" left by an earlier cut
// is removed first.
void replace_file_in_ext4(const std::filesystem::path& disk, uint64_t offset, const std::string& name,
                          const std::string& content, unsigned mode, int64_t epoch);

// Like read_from_ext4, but nothing when `path` does not exist there.
std::optional<std::string> read_from_ext4_if_present(const std::filesystem::path& disk, uint64_t offset,
                                                     const std::string& path);

// The bytes the ext4 filesystem at `offset` spans (its blocks times their
// size, checked against the disk): how much of a slot its image fills.
uint64_t ext4_filesystem_bytes(const std::filesystem::path& disk, uint64_t offset);

// Reads a whole file from the ext4 filesystem starting at byte `offset`.
std::string read_from_ext4(const std::filesystem::path& disk, uint64_t offset, const std::string& path);

// A regular file of the ext4 filesystem at `offset`, read in order in
// pieces: for files too large to hold (a slot's initramfs, which carries the
// root filesystem). Its size is checked against the filesystem's as
// read_from_ext4 checks it.
class Ext4FileReader {
 public:
  Ext4FileReader(const std::filesystem::path& disk, uint64_t offset, const std::string& path);
  ~Ext4FileReader();
  Ext4FileReader(const Ext4FileReader&) = delete;
  Ext4FileReader& operator=(const Ext4FileReader&) = delete;
  uint64_t size() const;
  // Up to `n` bytes; 0 at the end. Throws naming the file when it cannot.
  size_t read(char* buffer, size_t n);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace bronze::disk
