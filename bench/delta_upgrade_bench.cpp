// Bytes a delta upgrade fetches, against the full slot image and against
// casync (Debian's casync, same average chunk size) for the same change, in
// one run. Two changes from a v1 slot image, both real slot images built the
// way the imager builds them (rootfs -> SquashFS -> initramfs -> ext4 slot
// image, chunks/ for the index):
//   - a release that changes only the version (os-release, slot.env, the
//     manifest and the ext4's UUID, as every release does);
//   - the same plus one library changed: libcurl.so.4 as a rebuilt patch
//     release would change it (a new build ID, and the second half of its
//     code different, as a change in the middle moves every function after
//     it).
// Ours: v2's chunk index plus the chunks of it that v1's slot image (the
// seed) lacks, as chunks::assemble fetches them, and the time it takes (seed
// cut, assembly) against copying the image. casync: `casync make` of v1 into a store, then
// of v2 into the same store; the bytes of the chunks that v2 added (casync
// stores them compressed) are what a client seeded with v1 downloads.
//
//   delta_upgrade_bench        (make bench runs it; needs BRONZE_KERNEL_DIR)

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/files.h"
#include "base/sha256.h"
#include "base/subprocess.h"
#include "chunks/chunk_index.h"
#include "chunks/delta_assembly.h"
#include "disk/install/install.h"
#include "disk/slots/slot_image.h"
#include "initramfs/initramfs.h"
#include "rootfs/elf_deps.h"
#include "rootfs/rootfs_tree.h"
#include "rootfs/squashfs.h"
#include "tests/support/image_fixture.h"

namespace fs = std::filesystem;
using namespace bronze;

namespace {

constexpr int64_t kEpoch = 1700000000;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// One slot image; `patch`, when given, changes the staged root before it is
// squashed.
fs::path slot_image(const fs::path& dir, const std::string& version,
                    const std::function<void(const fs::path& root)>& patch = {}) {
  fs::create_directories(dir);
  rootfs::stage_rootfs({BRONZE_MACHINED, version, "amd64", read_file(dir.parent_path() / "key.pub"),
                        rootfs::default_library_dirs("amd64"), kEpoch},
                       dir / "rootfs");
  if (patch) patch(dir / "rootfs");
  rootfs::make_squashfs(dir / "rootfs", dir / "rootfs.sqfs", kEpoch);
  fs::copy_file(BRONZE_INIT, dir / "init");
  rootfs::strip_debug(dir / "init", "amd64");
  initramfs::make_initramfs(dir / "init", dir / "rootfs.sqfs", dir / "initramfs.img", kEpoch);
  // The manifest and its signature differ per release in their digests and
  // version; their size is what matters here.
  write_file(dir / "manifest.json", "{\"version\":\"" + version + "\",\"artifacts\":\"" +
                                        sha256_file_hex(dir / "initramfs.img") + "\"}");
  write_file(dir / "manifest.sig", std::string(64, static_cast<char>(version.back())));
  fs::path out = dir / "slot.ext4";
  disk::make_slot_image({test::kernel_image(), dir / "initramfs.img", dir / "manifest.json", dir / "manifest.sig",
                         version, "console=ttyS0"},
                        out, version == "v1" ? "0F0E0D0C-0B0A-4908-8706-050403020100" : "1F0E0D0C-0B0A-4908-8706-050403020101",
                        kEpoch);
  return out;
}

// A section's file offset and size, from readelf.
std::pair<uint64_t, uint64_t> section(const fs::path& elf, const std::string& name) {
  std::string table = run_checked({"readelf", "-SW", elf.string()}).out;
  std::istringstream lines(table);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line.substr(line.find(']') + 1));
    std::string section_name, type, address, offset, size;
    if (line.find(']') == std::string::npos || !(fields >> section_name >> type >> address >> offset >> size)) continue;
    if (section_name == name) return {std::stoull(offset, nullptr, 16), std::stoull(size, nullptr, 16)};
  }
  throw Error(elf.string() + " has no section " + name);
}

// libcurl.so.4 in the staged root as a rebuilt patch release changes it:
// a new build ID, and the second half of its code different (a change in
// the middle moves every function after it). Still a valid ELF file.
void patch_library(const fs::path& root) {
  fs::path library = root / "lib/x86_64-linux-gnu/libcurl.so.4";
  if (!fs::exists(library)) throw Error("the staged root has no " + library.string());
  std::string bytes = read_file(library);
  std::mt19937_64 random(7);
  auto [note, note_size] = section(library, ".note.gnu.build-id");
  for (uint64_t i = note_size - 20; i < note_size; ++i) bytes[note + i] = static_cast<char>(random());
  auto [text, text_size] = section(library, ".text");
  for (uint64_t i = text_size / 2; i < text_size; ++i) bytes[text + i] = static_cast<char>(random());
  fs::remove(library);
  write_file(library, bytes);
}

struct Delta {
  uint64_t network = 0, seed = 0, requests = 0, index = 0;
  double seconds = 0;
};

// What a node seeded with `old_slot` fetches to build `new_slot`.
Delta delta(const fs::path& old_slot, const fs::path& new_slot) {
  chunks::ChunkIndex index = chunks::index_path(new_slot);
  int seed_fd = ::open(old_slot.c_str(), O_RDONLY | O_CLOEXEC);
  int image_fd = ::open(new_slot.c_str(), O_RDONLY | O_CLOEXEC);
  if (seed_fd < 0 || image_fd < 0) throw_errno("open the slot images");
  auto start = std::chrono::steady_clock::now();
  std::string range;
  chunks::DeltaStats stats = chunks::assemble(
      index, chunks::Seed{seed_fd, 0, fs::file_size(old_slot), "v1"},
      [&](uint64_t offset, uint64_t length, const std::function<void(std::string_view)>& sink) {
        range.resize(length);
        if (::pread(image_fd, range.data(), length, static_cast<off_t>(offset)) != static_cast<ssize_t>(length)) {
          throw_errno("read the new slot image");
        }
        sink(range);
      },
      [](std::string_view) {});
  Delta d{stats.network_bytes, stats.seed_bytes, stats.requests, chunks::serialize(index).size(),
          seconds_since(start)};
  ::close(seed_fd);
  ::close(image_fd);
  return d;
}

uint64_t folder_bytes(const fs::path& dir) {
  uint64_t total = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) total += e.file_size();
  }
  return total;
}

// Compressed bytes of the chunks casync adds to a store holding v1's, and
// the size of v2's chunk index (.caibx), which a client fetches too.
uint64_t casync_new_bytes(const fs::path& dir, const fs::path& old_slot, const fs::path& new_slot) {
  fs::path store = dir / "store";
  fs::remove_all(store);
  fs::create_directories(dir);
  run_checked({"casync", "make", "--store=" + store.string(), (dir / "old.caibx").string(), old_slot.string()});
  uint64_t before = folder_bytes(store);
  run_checked({"casync", "make", "--store=" + store.string(), (dir / "new.caibx").string(), new_slot.string()});
  return folder_bytes(store) - before + fs::file_size(dir / "new.caibx");
}

std::string mib(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f MiB", static_cast<double>(bytes) / (1 << 20));
  return text;
}

std::string percent(uint64_t part, uint64_t whole) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return text;
}

}  // namespace

int main() {
  try {
    TempDir work("bronze-bench-delta");
    fs::path d = work.path();
    test::make_key_pair(d);
    fs::path v1 = slot_image(d / "v1", "v1");
    fs::path v2 = slot_image(d / "v2", "v2");
    fs::path v2_lib = slot_image(d / "v2-lib", "v2", patch_library);

    // The floor for time: reading and writing the whole image once.
    auto copy_start = std::chrono::steady_clock::now();
    fs::copy_file(v2_lib, d / "copy.ext4");
    double copy_seconds = seconds_since(copy_start);

    std::printf("## Delta upgrades (%s, %ld cores)\n\n", run_checked({"date", "-u", "+%F"}).out.substr(0, 10).c_str(),
                sysconf(_SC_NPROCESSORS_ONLN));
    std::printf("`_build/release/bench/delta_upgrade_bench` (a step of `make bench`); casync %s.\n\n",
                run_checked({"dpkg-query", "-W", "-f", "${Version}", "casync"}).out.c_str());
    std::printf("| change | slot image | full upgrade fetches | delta fetches (Bronze: index + ranges) | range requests | "
                "casync fetches (.caibx + compressed chunks) | delta's time (cut the seed, assemble) | copying the image |\n");
    std::printf("|---|---|---|---|---|---|---|---|\n");
    double library_share = 0;
    for (const auto& [name, image] : std::vector<std::pair<std::string, fs::path>>{
             {"version only", v2}, {"version + libcurl.so.4 patched", v2_lib}}) {
      Delta ours = delta(v1, image);
      library_share = static_cast<double>(ours.index + ours.network) / static_cast<double>(fs::file_size(image));
      uint64_t size = fs::file_size(image);
      uint64_t theirs = casync_new_bytes(d / "casync", v1, image);
      uint64_t fetched = ours.index + ours.network;
      std::printf("| %s | %s | %s (100%%) | %s (%s) | %llu | %s (%s) | %.2f s | %.2f s |\n", name.c_str(),
                  mib(size).c_str(), mib(size).c_str(), mib(fetched).c_str(), percent(fetched, size).c_str(),
                  static_cast<unsigned long long>(ours.requests), mib(theirs).c_str(), percent(theirs, size).c_str(),
                  ours.seconds, copy_seconds);
    }
    std::printf("\nA change of one library: the delta fetches %.1f%% of the slot image (goal <= 10%%).\n",
                100 * library_share);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "delta_upgrade_bench: %s\n", e.what());
    return 1;
  }
}
