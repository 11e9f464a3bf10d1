#include "disk/filesystems/ext4.h"

extern "C" {
#include <et/com_err.h>
}
#include <ext2fs/ext2fs.h>

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "base/error.h"
#include "base/subprocess.h"
#include "disk/partitions/disk_writer.h"

namespace bronze::disk {

namespace {

std::string ext2_error(errcode_t code) { return error_message(code); }

// Fault injection for the tests of replace_file_in_ext4: with
// BRONZE_FAULT_EXT4_CUT_AFTER=k, libext2fs's k-th write in this process
// never happens and the process dies there (exit code 86, like a machine
// losing power). libext2fs caches writes until it flushes, so whatever was
// written since the last flush (an fsync) is lost with it, as a disk's
// volatile cache is.
long cut_after() {
  const char* value = std::getenv("BRONZE_FAULT_EXT4_CUT_AFTER");
  return value && *value ? std::strtol(value, nullptr, 10) : -1;
}

// Writes counted by this process (a forked child starts from none).
long g_ext4_writes = 0;
pid_t g_ext4_writer = 0;

void write_or_lose_power() {
  if (g_ext4_writer != ::getpid()) {
    g_ext4_writer = ::getpid();
    g_ext4_writes = 0;
  }
  long cut = cut_after();
  if (cut >= 0 && g_ext4_writes >= cut) ::_exit(kPowerCutExitCode);
  ++g_ext4_writes;
}

struct struct_io_manager g_ext4_manager {};  // see io_manager_for_ext4

errcode_t counted_write_blk(io_channel channel, unsigned long block, int count, const void* data) {
  write_or_lose_power();
  return unix_io_manager->write_blk(channel, block, count, data);
}
errcode_t counted_write_blk64(io_channel channel, unsigned long long block, int count, const void* data) {
  write_or_lose_power();
  return unix_io_manager->write_blk64(channel, block, count, data);
}
errcode_t open_channel(const char* name, int flags, io_channel* channel) {
  errcode_t rc = unix_io_manager->open(name, flags, channel);
  if (!rc) (*channel)->manager = &g_ext4_manager;
  return rc;
}

// unix_io without its write_byte: libext2fs then writes the primary
// superblock whole (one 1 KiB write, flushed with the rest) instead of
// rewriting its changed byte ranges one pwrite at a time, straight to the
// disk, where a power cut between two of them would leave a superblock
// whose checksum matches neither. With the tests' fault injection, every
// write counts.
io_manager io_manager_for_ext4() {
  if (!g_ext4_manager.open) {
    g_ext4_manager = *unix_io_manager;
    g_ext4_manager.open = open_channel;
    g_ext4_manager.write_blk = counted_write_blk;
    g_ext4_manager.write_blk64 = counted_write_blk64;
    g_ext4_manager.write_byte = nullptr;
  }
  return &g_ext4_manager;
}

struct Filesystem {
  ext2_filsys fs = nullptr;
  Filesystem(const std::filesystem::path& disk, uint64_t offset, int flags) {
    std::string io_options = "offset=" + std::to_string(offset);
    errcode_t rc = ext2fs_open2(disk.c_str(), io_options.c_str(), flags | EXT2_FLAG_64BITS, 0, 0,
                                io_manager_for_ext4(), &fs);
    if (rc) throw Error("cannot open the ext4 filesystem at offset " + std::to_string(offset) + " of " + disk.string() + ": " + ext2_error(rc));
    // Every size read from it is checked against this, so it must not
    // claim more than the disk holds after `offset`.
    blk64_t disk_bytes = 0;
    rc = ext2fs_get_device_size2(disk.c_str(), 1, &disk_bytes);
    uint64_t room = disk_bytes > offset ? disk_bytes - offset : 0;
    if (rc || ext2fs_blocks_count(fs->super) > room / fs->blocksize) {
      std::string problem = rc ? "cannot read the size of " + disk.string() + ": " + ext2_error(rc)
                               : "the ext4 filesystem at offset " + std::to_string(offset) + " of " + disk.string() +
                                     " claims " + std::to_string(ext2fs_blocks_count(fs->super)) + " blocks of " +
                                     std::to_string(fs->blocksize) + " bytes, more than the " + std::to_string(room) +
                                     " bytes there: it is damaged";
      ext2fs_free(fs);  // without writing anything back
      fs = nullptr;
      throw Error(problem);
    }
  }
  // What the filesystem holds, at most: a file claiming more is damaged.
  uint64_t bytes() const { return ext2fs_blocks_count(fs->super) * fs->blocksize; }
  ~Filesystem() {
    if (fs) ext2fs_close_free(&fs);
  }
  void close() {
    errcode_t rc = ext2fs_close_free(&fs);
    if (rc) throw Error("cannot write the ext4 filesystem: " + ext2_error(rc));
  }
};

void normalize_times(const std::filesystem::path& disk, uint64_t offset, int64_t epoch) {
  Filesystem f(disk, offset, EXT2_FLAG_RW);
  // libext2fs stamps the superblock's write time with fs->now when it is set.
  f.fs->now = static_cast<time_t>(epoch);
  auto when = static_cast<uint32_t>(epoch);
  ext2_inode_scan scan = nullptr;
  errcode_t rc = ext2fs_open_inode_scan(f.fs, 0, &scan);
  if (rc) throw Error("cannot scan inodes: " + ext2_error(rc));
  std::unique_ptr<ext2_struct_inode_scan, decltype(&ext2fs_close_inode_scan)> guard(scan, &ext2fs_close_inode_scan);
  int inode_size = EXT2_INODE_SIZE(f.fs->super);
  std::vector<char> buffer(static_cast<size_t>(inode_size));
  auto* inode = reinterpret_cast<ext2_inode_large*>(buffer.data());
  ext2_ino_t ino = 0;
  while (true) {
    rc = ext2fs_get_next_inode_full(scan, &ino, reinterpret_cast<ext2_inode*>(inode), inode_size);
    if (rc) throw Error("cannot read an inode: " + ext2_error(rc));
    if (ino == 0) break;
    if (inode->i_links_count == 0) continue;
    inode->i_atime = inode->i_ctime = inode->i_mtime = when;
    if (inode_size > EXT2_GOOD_OLD_INODE_SIZE && inode->i_extra_isize >= 24) {
      inode->i_crtime = when;
      inode->i_atime_extra = inode->i_ctime_extra = inode->i_mtime_extra = inode->i_crtime_extra = 0;
    }
    rc = ext2fs_write_inode_full(f.fs, ino, reinterpret_cast<ext2_inode*>(inode), inode_size);
    if (rc) throw Error("cannot write inode " + std::to_string(ino) + ": " + ext2_error(rc));
  }
  f.fs->super->s_wtime = f.fs->super->s_mtime = f.fs->super->s_mkfs_time = f.fs->super->s_lastcheck = when;
  ext2fs_mark_super_dirty(f.fs);
  f.close();
}

}  // namespace

void make_ext4(const std::filesystem::path& disk, const Partition& partition, const Ext4Options& options) {
  std::string extended = "offset=" + std::to_string(partition.start) + ",root_owner=0:0,hash_seed=" + options.uuid;
  for (const auto& option : options.extended) extended += "," + option;
  std::vector<std::string> argv = {"mke2fs", "-q", "-F", "-t", "ext4", "-L", options.fs_label, "-U", options.uuid,
                                   "-E", extended};
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  if (options.source_dir) {
    argv.push_back("-d");
    argv.push_back(options.source_dir->string());
  }
  argv.push_back(disk.string());
  argv.push_back(std::to_string(partition.size / 1024) + "k");
  std::string epoch = std::to_string(options.epoch);
  run_checked(argv, RunOptions{{{"E2FSPROGS_FAKE_TIME", epoch}, {"SOURCE_DATE_EPOCH", epoch}}, {}, {}});
  normalize_times(disk, partition.start, options.epoch);
}

void set_ext4_label(const std::filesystem::path& disk, uint64_t offset, const std::string& fs_label) {
  Filesystem f(disk, offset, EXT2_FLAG_RW);
  uint32_t written = f.fs->super->s_wtime;
  f.fs->now = static_cast<time_t>(written);
  auto* name = reinterpret_cast<char*>(f.fs->super->s_volume_name);
  std::memset(name, 0, sizeof f.fs->super->s_volume_name);
  std::memcpy(name, fs_label.data(), std::min(fs_label.size(), sizeof f.fs->super->s_volume_name));
  f.fs->super->s_wtime = written;
  ext2fs_mark_super_dirty(f.fs);
  f.close();
}

namespace {

// The whole file at `ino` of an open filesystem. The inode's type and size
// come from the disk: they are checked before they are believed.
std::string read_inode(const Filesystem& f, ext2_ino_t ino, const std::string& path) {
  ext2_inode inode{};
  errcode_t rc = ext2fs_read_inode(f.fs, ino, &inode);
  if (rc) throw Error("cannot read the inode of " + path + ": " + ext2_error(rc));
  if (!LINUX_S_ISREG(inode.i_mode)) throw Error(path + " is not a regular file");
  ext2_file_t file = nullptr;
  rc = ext2fs_file_open(f.fs, ino, 0, &file);
  if (rc) throw Error("cannot open " + path + ": " + ext2_error(rc));
  std::unique_ptr<struct ext2_file, decltype(&ext2fs_file_close)> guard(file, &ext2fs_file_close);
  __u64 size = 0;
  rc = ext2fs_file_get_lsize(file, &size);
  if (rc) throw Error("cannot size " + path + ": " + ext2_error(rc));
  if (size > f.bytes()) {
    throw Error(path + " claims " + std::to_string(size) + " bytes, more than its filesystem holds (" +
                std::to_string(f.bytes()) + "): the filesystem is damaged");
  }
  std::string out(size, '\0');
  size_t done = 0;
  while (done < size) {
    unsigned int got = 0;
    auto chunk = static_cast<unsigned int>(std::min<uint64_t>(size - done, 1u << 20));
    rc = ext2fs_file_read(file, out.data() + done, chunk, &got);
    if (rc) throw Error("cannot read " + path + ": " + ext2_error(rc));
    if (got == 0) break;
    done += got;
  }
  out.resize(done);
  return out;
}

}  // namespace

namespace {

// A new regular file `name` in the root folder of an open filesystem (whose
// bitmaps are read), holding `content`; its inode number.
ext2_ino_t create_file(ext2_filsys fs, const std::string& name, const std::string& content, unsigned mode,
                       int64_t epoch) {
  ext2_ino_t ino = 0;
  errcode_t rc = ext2fs_new_inode(fs, EXT2_ROOT_INO, LINUX_S_IFREG | mode, nullptr, &ino);
  if (rc) throw Error("cannot allocate an inode for " + name + ": " + ext2_error(rc));
  rc = ext2fs_link(fs, EXT2_ROOT_INO, name.c_str(), ino, EXT2_FT_REG_FILE);
  if (rc == EXT2_ET_DIR_NO_SPACE) {
    rc = ext2fs_expand_dir(fs, EXT2_ROOT_INO);
    if (!rc) rc = ext2fs_link(fs, EXT2_ROOT_INO, name.c_str(), ino, EXT2_FT_REG_FILE);
  }
  if (rc) throw Error("cannot link " + name + " into the root folder: " + ext2_error(rc));
  ext2fs_inode_alloc_stats2(fs, ino, +1, 0);

  // The inode the way mke2fs -d makes one: extents when the filesystem has
  // them, then the data through libext2fs's file interface.
  ext2_inode inode{};
  inode.i_mode = static_cast<__u16>(LINUX_S_IFREG | mode);
  inode.i_links_count = 1;
  inode.i_atime = inode.i_ctime = inode.i_mtime = static_cast<__u32>(epoch);
  rc = ext2fs_inode_size_set(fs, &inode, content.size());
  if (rc) throw Error("cannot size " + name + ": " + ext2_error(rc));
  if (ext2fs_has_feature_extents(fs->super)) {
    ext2_extent_handle_t handle = nullptr;
    rc = ext2fs_extent_open2(fs, ino, &inode, &handle);
    if (rc) throw Error("cannot start the extent tree of " + name + ": " + ext2_error(rc));
    ext2fs_extent_free(handle);
  }
  rc = ext2fs_write_new_inode(fs, ino, &inode);
  if (rc) throw Error("cannot write the inode of " + name + ": " + ext2_error(rc));

  ext2_file_t file = nullptr;
  rc = ext2fs_file_open(fs, ino, EXT2_FILE_WRITE, &file);
  if (rc) throw Error("cannot open " + name + " for writing: " + ext2_error(rc));
  size_t done = 0;
  while (done < content.size() && !rc) {
    unsigned int wrote = 0;
    auto chunk = static_cast<unsigned int>(std::min<size_t>(content.size() - done, 1u << 20));
    rc = ext2fs_file_write(file, content.data() + done, chunk, &wrote);
    done += wrote;
    if (!rc && wrote == 0) rc = EXT2_ET_SHORT_WRITE;
  }
  errcode_t closed = ext2fs_file_close(file);
  if (rc || closed) throw Error("cannot write " + name + ": " + ext2_error(rc ? rc : closed));
  return ino;
}

// The inode `name` names in the root folder, or 0.
ext2_ino_t lookup(ext2_filsys fs, const std::string& name) {
  ext2_ino_t ino = 0;
  if (ext2fs_namei(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, name.c_str(), &ino) != 0) return 0;
  return ino;
}

// Writes everything cached and flushes it to the disk (unix_io fsyncs), so
// that what comes next reaches the disk after it.
void flush(ext2_filsys fs, const std::string& what) {
  errcode_t rc = ext2fs_flush(fs);
  if (rc) throw Error("cannot write the ext4 filesystem (" + what + "): " + ext2_error(rc));
}

// Frees an inode no name refers to any more, and its blocks.
void release_inode(ext2_filsys fs, ext2_ino_t ino) {
  ext2_inode inode{};
  errcode_t rc = ext2fs_read_inode(fs, ino, &inode);
  if (rc) throw Error("cannot read inode " + std::to_string(ino) + ": " + ext2_error(rc));
  if (ext2fs_inode_has_valid_blocks2(fs, &inode)) {
    rc = ext2fs_punch(fs, ino, &inode, nullptr, 0, ~0ULL);
    if (rc) throw Error("cannot free the blocks of inode " + std::to_string(ino) + ": " + ext2_error(rc));
  }
  inode.i_links_count = 0;
  inode.i_dtime = static_cast<__u32>(fs->now);
  rc = ext2fs_write_inode(fs, ino, &inode);
  if (rc) throw Error("cannot write inode " + std::to_string(ino) + ": " + ext2_error(rc));
  ext2fs_inode_alloc_stats2(fs, ino, -1, 0);
}

// Removes `name` from the root folder; frees its inode unless `keep` names it too.
void remove_name(ext2_filsys fs, const std::string& name, ext2_ino_t ino, ext2_ino_t keep) {
  errcode_t rc = ext2fs_unlink(fs, EXT2_ROOT_INO, name.c_str(), ino, 0);
  if (rc) throw Error("cannot remove " + name + ": " + ext2_error(rc));
  if (ino != keep) release_inode(fs, ino);
}

struct Switch {
  const std::string* name;
  ext2_ino_t to = 0;
  bool done = false;
};

int switch_entry(ext2_ino_t, int, ext2_dir_entry* dirent, int, int, char*, void* data) {
  auto* request = static_cast<Switch*>(data);
  const std::string& name = *request->name;
  if (ext2fs_dirent_name_len(dirent) != static_cast<int>(name.size()) ||
      name.compare(0, name.size(), dirent->name, name.size()) != 0) {
    return 0;
  }
  dirent->inode = request->to;
  request->done = true;
  return DIRENT_CHANGED | DIRENT_ABORT;
}

}  // namespace

void add_file_to_ext4(const std::filesystem::path& disk, uint64_t offset, const std::string& name,
                      const std::string& content, unsigned mode, int64_t epoch) {
  if (name.empty() || name.find('/') != std::string::npos) throw Error("add_file_to_ext4: '" + name + "' is not a plain name");
  Filesystem f(disk, offset, EXT2_FLAG_RW);
  ext2_filsys fs = f.fs;
  fs->now = static_cast<time_t>(epoch);
  if (lookup(fs, name) != 0) {
    throw Error(name + " already exists in the filesystem at offset " + std::to_string(offset) + " of " + disk.string());
  }
  errcode_t rc = ext2fs_read_bitmaps(fs);
  if (rc) throw Error("cannot read the ext4 bitmaps: " + ext2_error(rc));
  create_file(fs, name, content, mode, epoch);
  f.close();
}

void replace_file_in_ext4(const std::filesystem::path& disk, uint64_t offset, const std::string& name,
                          const std::string& content, unsigned mode, int64_t epoch) {
  if (name.empty() || name.find('/') != std::string::npos) {
    throw Error("replace_file_in_ext4: '" + name + "' is not a plain name");
  }
  const std::string staged = name + ".new";
  Filesystem f(disk, offset, EXT2_FLAG_RW);
  ext2_filsys fs = f.fs;
  fs->now = static_cast<time_t>(epoch);
  errcode_t rc = ext2fs_read_bitmaps(fs);
  if (rc) throw Error("cannot read the ext4 bitmaps: " + ext2_error(rc));
  ext2_ino_t old_ino = lookup(fs, name);
  // A cut may have left the staged name, pointing at its own inode (before
  // the switch) or at the one `name` has now (after it).
  if (ext2_ino_t stale = lookup(fs, staged)) {
    remove_name(fs, staged, stale, old_ino);
    flush(fs, "removing a stale " + staged);
  }
  // 1. The new content, whole and on the disk, under the staged name.
  ext2_ino_t new_ino = create_file(fs, staged, content, mode, epoch);
  flush(fs, "writing " + staged);
  // 2. The switch: the entry `name` points at the new inode; one directory
  //    block write, so `name` is the old file or the new one, never neither.
  if (old_ino != 0) {
    Switch request{&name, new_ino, false};
    rc = ext2fs_dir_iterate2(fs, EXT2_ROOT_INO, 0, nullptr, switch_entry, &request);
    if (rc || !request.done) {
      throw Error("cannot point " + name + " at its new content" + (rc ? ": " + ext2_error(rc) : std::string()));
    }
  } else {
    rc = ext2fs_link(fs, EXT2_ROOT_INO, name.c_str(), new_ino, EXT2_FT_REG_FILE);
    if (rc) throw Error("cannot link " + name + " into the root folder: " + ext2_error(rc));
  }
  flush(fs, "switching " + name);
  // 3. Tidying: the staged name goes, and the old content is freed. A cut
  //    here leaves at most a stale name (removed next time) or an unused
  //    inode (what e2fsck reclaims), never a wrong config.
  rc = ext2fs_unlink(fs, EXT2_ROOT_INO, staged.c_str(), new_ino, 0);
  if (rc) throw Error("cannot remove " + staged + ": " + ext2_error(rc));
  if (old_ino != 0) release_inode(fs, old_ino);
  f.close();
}

std::optional<std::string> read_from_ext4_if_present(const std::filesystem::path& disk, uint64_t offset,
                                                     const std::string& path) {
  Filesystem f(disk, offset, 0);
  ext2_ino_t ino = 0;
  if (ext2fs_namei(f.fs, EXT2_ROOT_INO, EXT2_ROOT_INO, path.c_str(), &ino) != 0) return std::nullopt;
  return read_inode(f, ino, path);
}

std::string read_from_ext4(const std::filesystem::path& disk, uint64_t offset, const std::string& path) {
  Filesystem f(disk, offset, 0);
  ext2_ino_t ino = 0;
  errcode_t rc = ext2fs_namei(f.fs, EXT2_ROOT_INO, EXT2_ROOT_INO, path.c_str(), &ino);
  if (rc) throw Error(path + " not found in the filesystem at offset " + std::to_string(offset) + ": " + ext2_error(rc));
  return read_inode(f, ino, path);
}

struct Ext4FileReader::State {
  State(const std::filesystem::path& disk, uint64_t offset) : filesystem(disk, offset, 0) {}
  Filesystem filesystem;
  ext2_file_t file = nullptr;
  std::string path;
  uint64_t size = 0;
  uint64_t done = 0;
  ~State() {
    if (file) ext2fs_file_close(file);
  }
};

uint64_t ext4_filesystem_bytes(const std::filesystem::path& disk, uint64_t offset) {
  return Filesystem(disk, offset, 0).bytes();
}

Ext4FileReader::Ext4FileReader(const std::filesystem::path& disk, uint64_t offset, const std::string& path)
    : state_(std::make_unique<State>(disk, offset)) {
  State& s = *state_;
  s.path = path;
  ext2_ino_t ino = 0;
  errcode_t rc = ext2fs_namei(s.filesystem.fs, EXT2_ROOT_INO, EXT2_ROOT_INO, path.c_str(), &ino);
  if (rc) throw Error(path + " not found in the filesystem at offset " + std::to_string(offset) + ": " + ext2_error(rc));
  ext2_inode inode{};
  rc = ext2fs_read_inode(s.filesystem.fs, ino, &inode);
  if (rc) throw Error("cannot read the inode of " + path + ": " + ext2_error(rc));
  if (!LINUX_S_ISREG(inode.i_mode)) throw Error(path + " is not a regular file");
  rc = ext2fs_file_open(s.filesystem.fs, ino, 0, &s.file);
  if (rc) throw Error("cannot open " + path + ": " + ext2_error(rc));
  __u64 size = 0;
  rc = ext2fs_file_get_lsize(s.file, &size);
  if (rc) throw Error("cannot size " + path + ": " + ext2_error(rc));
  if (size > s.filesystem.bytes()) {
    throw Error(path + " claims " + std::to_string(size) + " bytes, more than its filesystem holds (" +
                std::to_string(s.filesystem.bytes()) + "): the filesystem is damaged");
  }
  s.size = size;
}

Ext4FileReader::~Ext4FileReader() = default;

uint64_t Ext4FileReader::size() const { return state_->size; }

size_t Ext4FileReader::read(char* buffer, size_t n) {
  State& s = *state_;
  if (s.done >= s.size) return 0;
  auto chunk = static_cast<unsigned int>(std::min<uint64_t>({n, s.size - s.done, 1u << 20}));
  unsigned int got = 0;
  errcode_t rc = ext2fs_file_read(s.file, buffer, chunk, &got);
  if (rc) throw Error("cannot read " + s.path + ": " + ext2_error(rc));
  s.done += got;
  return got;
}

}  // namespace bronze::disk
