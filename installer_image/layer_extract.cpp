#include "installer_image/layer_extract.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <vector>

#include "base/error.h"
#include "base/sha256.h"
#include "installer_image/layer_paths.h"
#include "installer_image/layer_plan.h"
#include "installer_image/layer_reader.h"

namespace bronze::oci {

namespace fs = std::filesystem;

namespace {

using Type = LayerEntry::Type;

// The folder being filled, under a temporary name beside the destination;
// removed with its contents unless commit() renamed it into place.
class StagedFolder {
 public:
  explicit StagedFolder(const fs::path& destination) : destination_(destination) {
    std::error_code error;
    if (fs::symlink_status(destination, error).type() != fs::file_type::not_found) {
      throw Error("cannot extract the layer to " + destination.string() + ": it already exists; remove it first");
    }
    std::string pattern = destination.string() + ".partial-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (!::mkdtemp(buffer.data())) throw_errno("cannot create a folder beside " + destination.string());
    path_ = buffer.data();
  }
  ~StagedFolder() {
    if (committed_) return;
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  StagedFolder(const StagedFolder&) = delete;
  StagedFolder& operator=(const StagedFolder&) = delete;

  const fs::path& path() const { return path_; }
  void commit() {
    if (::chmod(path_.c_str(), 0755) != 0) throw_errno("cannot set the mode of " + path_.string());
    std::error_code error;
    fs::rename(path_, destination_, error);
    if (error) throw Error("cannot move " + path_.string() + " to " + destination_.string() + ": " + error.message());
    committed_ = true;
  }

 private:
  fs::path destination_;
  fs::path path_;
  bool committed_ = false;
};

void set_times(const fs::path& path, int64_t mtime) {
  const struct timespec times[2] = {{mtime, 0}, {mtime, 0}};
  if (::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) throw_errno("cannot set times of " + path.string());
}

// Only the permission bits: see extract_layer on set-ID and sticky bits.
mode_t safe_mode(uint32_t mode) { return static_cast<mode_t>(mode & 0777); }

// Returns the sha256 of what it wrote.
std::string write_file(LayerReader& reader, const LayerEntry& e, const fs::path& target, uint64_t& total,
                       uint64_t max_total_bytes) {
  // O_EXCL and O_NOFOLLOW: never write through something already there.
  int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) throw_errno("cannot create " + target.string());
  std::vector<char> buffer(1 << 16);
  Sha256 hash;
  try {
    for (;;) {
      size_t got = reader.read(buffer.data(), buffer.size());
      if (got == 0) break;
      hash.update(buffer.data(), got);
      total += got;
      if (total > max_total_bytes) {
        throw Error("layer holds more than the " + std::to_string(max_total_bytes) + " bytes allowed (at '" +
                    e.raw_path + "'); refusing to fill the disk");
      }
      size_t done = 0;
      while (done < got) {
        ssize_t n = ::write(fd, buffer.data() + done, got - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw_errno("cannot write " + target.string());
        done += static_cast<size_t>(n);
      }
    }
    if (::fchmod(fd, safe_mode(e.mode)) != 0) throw_errno("cannot set the mode of " + target.string());
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::close(fd) != 0) throw_errno("cannot write " + target.string());
  set_times(target, e.mtime);
  return hash.hex_digest();
}

bool same_entry(const LayerEntry& a, const LayerEntry& b) {
  return a.path == b.path && a.type == b.type && a.link_target == b.link_target && a.size == b.size;
}

}  // namespace

ExtractedLayer extract_layer(const OuterArchive& archive, const Descriptor& layer, const fs::path& destination,
                             uint64_t max_total_bytes) {
  std::vector<LayerEntry> plan;
  {
    LayerReader reader(archive.open_blob(layer, "layer"));
    plan = plan_layer(reader, max_total_bytes);
  }

  StagedFolder staged(destination);
  ExtractedLayer extracted;
  LayerReader reader(archive.open_blob(layer, "layer"));
  uint64_t total = 0;
  std::vector<const LayerEntry*> folders;
  LayerEntry e;
  size_t index = 0;
  while (reader.next(e)) {
    // The second pass must see exactly what the first one checked; a file
    // swapped in between is caught here, before its entries are written.
    if (index >= plan.size() || !same_entry(e, plan[index])) {
      throw Error("OCI archive " + archive.path().string() + " changed while its layer was being extracted");
    }
    const LayerEntry& checked = plan[index++];
    if (checked.path.empty()) continue;
    fs::path target = staged.path() / checked.path;
    fs::create_directories(target.parent_path());
    switch (checked.type) {
      case Type::kDirectory:
        fs::create_directories(target);
        folders.push_back(&checked);
        break;
      case Type::kFile:
        extracted.files[checked.path] = write_file(reader, checked, target, total, max_total_bytes);
        break;
      case Type::kSymlink:
        if (::symlink(checked.link_target.c_str(), target.c_str()) != 0) throw_errno("cannot create symlink " + target.string());
        set_times(target, checked.mtime);
        extracted.symlinks[checked.path] = checked.link_target;
        break;
      case Type::kHardlink:
        if (::link((staged.path() / checked.link_target).c_str(), target.c_str()) != 0) {
          throw_errno("cannot create hard link " + target.string());
        }
        // The plan allows links only to files earlier in the layer.
        extracted.files[checked.path] = extracted.files.at(checked.link_target);
        break;
      case Type::kOther:
        throw Error("layer entry '" + checked.raw_path + "' is not a file, folder or link");  // refused by the plan
    }
  }
  if (index != plan.size()) {
    throw Error("OCI archive " + archive.path().string() + " changed while its layer was being extracted");
  }
  reader.finish();
  // Folders last, deepest first: a read-only folder must still take its
  // contents, and writing into a folder changes its mtime.
  std::sort(folders.begin(), folders.end(), [](const LayerEntry* a, const LayerEntry* b) { return a->path > b->path; });
  for (const LayerEntry* folder : folders) {
    fs::path target = staged.path() / folder->path;
    if (::chmod(target.c_str(), safe_mode(folder->mode)) != 0) throw_errno("cannot set the mode of " + target.string());
    set_times(target, folder->mtime);
  }
  // Folders a path needed but the layer did not list are there too.
  for (const auto& [path, digest] : extracted.files) {
    for (fs::path p = fs::path(path).parent_path(); !p.empty(); p = p.parent_path()) extracted.folders.insert(p.string());
  }
  for (const auto& [path, target] : extracted.symlinks) {
    for (fs::path p = fs::path(path).parent_path(); !p.empty(); p = p.parent_path()) extracted.folders.insert(p.string());
  }
  for (const LayerEntry* folder : folders) extracted.folders.insert(folder->path);
  staged.commit();
  return extracted;
}

void check_extracted_folder(const fs::path& root, const ExtractedLayer& expected) {
  size_t files = 0, symlinks = 0, folders = 0;
  auto changed = [&](const std::string& path, const std::string& what) {
    throw Error("the unpacked installer image changed after it was verified: " + path + " " + what +
                "; refusing to use it");
  };
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    // Lexically: fs::relative would follow the links being checked.
    std::string path = it->path().lexically_relative(root).string();
    fs::file_status status = it->symlink_status();
    if (fs::is_symlink(status)) {
      auto want = expected.symlinks.find(path);
      if (want == expected.symlinks.end()) changed(path, "is a link the image does not have");
      if (fs::read_symlink(it->path()).string() != want->second) changed(path, "points elsewhere");
      ++symlinks;
    } else if (fs::is_directory(status)) {
      if (!expected.folders.count(path)) changed(path, "is a folder the image does not have");
      ++folders;
    } else if (fs::is_regular_file(status)) {
      auto want = expected.files.find(path);
      if (want == expected.files.end()) changed(path, "is a file the image does not have");
      if (sha256_file_hex(it->path()) != want->second) changed(path, "does not match the digest it was written with");
      ++files;
    } else {
      changed(path, "is not a file, folder or link");
    }
  }
  if (files != expected.files.size() || symlinks != expected.symlinks.size() || folders != expected.folders.size()) {
    changed(root.string(), "lost files");
  }
}

std::string read_layer_file(const OuterArchive& archive, const Descriptor& layer, const std::string& path,
                            uint64_t max_bytes) {
  std::string wanted = normalize_layer_path(path);
  // A hard link names its file; at most one more pass reads that file.
  for (int pass = 0; pass < 2; ++pass) {
    LayerReader reader(archive.open_blob(layer, "layer"));
    LayerEntry e;
    std::optional<std::string> data;
    std::string link_to;
    while (reader.next(e)) {
      if (e.path != wanted || data || !link_to.empty()) continue;
      if (e.type == Type::kHardlink) {
        link_to = e.link_target;
      } else if (e.type == Type::kFile) {
        if (e.size > max_bytes) {
          throw Error("layer file '" + path + "' has " + std::to_string(e.size) + " bytes, more than the " +
                      std::to_string(max_bytes) + " allowed");
        }
        data.emplace(e.size, '\0');
        size_t done = 0;
        while (done < data->size()) {
          size_t got = reader.read(data->data() + done, data->size() - done);
          if (got == 0) throw Error("layer file '" + path + "' is shorter than its header says");
          done += got;
        }
      } else {
        throw Error("layer entry '" + path + "' is not a regular file" +
                    (e.type == Type::kSymlink ? " (a symlink to '" + e.link_target + "')" : std::string()));
      }
    }
    reader.finish();
    if (data) return std::move(*data);
    if (link_to.empty()) throw Error("the layer has no file '" + path + "'");
    wanted = link_to;
  }
  throw Error("layer file '" + path + "' is a hard link to a hard link");
}

}  // namespace bronze::oci
