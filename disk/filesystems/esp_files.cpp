#include "disk/filesystems/esp_files.h"

#include <charconv>
#include <regex>
#include <string_view>
#include <system_error>

#include "base/error.h"
#include "base/files.h"
#include "base/subprocess.h"

namespace bronze::disk {

namespace {

uint64_t le(const std::string& b, size_t at, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(b[at + i])) << (8 * i);
  return v;
}

}  // namespace

std::vector<uint64_t> locate_fat_file(const std::filesystem::path& disk, const Partition& esp, const std::string& path) {
  // The FAT32 boot sector: where the data area starts, how large a cluster is.
  std::string bpb = read_at(disk, esp.start, 512);
  uint64_t bytes_per_sector = le(bpb, 11, 2);
  uint64_t sectors_per_cluster = le(bpb, 13, 1);
  uint64_t reserved = le(bpb, 14, 2);
  uint64_t fats = le(bpb, 16, 1);
  uint64_t fat_sectors = le(bpb, 36, 4);
  if (bytes_per_sector != 512 || sectors_per_cluster != 1 || fat_sectors == 0) {
    throw Error("the ESP is not FAT32 with 512-byte clusters; reinstall to get Bronze's layout");
  }
  uint64_t data_start = esp.start + (reserved + fats * fat_sectors) * bytes_per_sector;

  // mshowfat prints the cluster runs: "::/boot/grub/state-1.env <1400-1401><1410>".
  std::string image = disk.string() + "@@" + std::to_string(esp.start);
  auto out = run_checked({"mshowfat", "-i", image, "::" + path}, RunOptions{{{"MTOOLS_SKIP_CHECK", "1"}}, {}, {}}).out;
  std::vector<uint64_t> offsets;
  std::regex run_pattern("<([0-9]+)(?:-([0-9]+))?>");
  for (auto it = std::sregex_iterator(out.begin(), out.end(), run_pattern); it != std::sregex_iterator(); ++it) {
    uint64_t first = std::stoull((*it)[1]);
    uint64_t last = (*it)[2].matched ? std::stoull((*it)[2]) : first;
    for (uint64_t cluster = first; cluster <= last; ++cluster) {
      offsets.push_back(data_start + (cluster - 2) * bytes_per_sector);
    }
  }
  if (offsets.empty()) throw Error("cannot find the clusters of " + path + " on the ESP: " + out);
  return offsets;
}

std::string encode_offsets(const std::vector<uint64_t>& offsets) {
  std::string out;
  for (auto o : offsets) out += (out.empty() ? "" : ",") + std::to_string(o);
  return out;
}

std::vector<uint64_t> decode_offsets(const std::string& text) {
  std::vector<uint64_t> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    std::string_view item = std::string_view(text).substr(pos, comma - pos);
    uint64_t offset = 0;
    auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), offset);
    // Digits only, and no more than 64 bits of them.
    if (item.empty() || error != std::errc() || end != item.data() + item.size()) {
      throw Error("META holds a malformed boot state location '" + text + "'");
    }
    out.push_back(offset);
    pos = comma + 1;
  }
  return out;
}

}  // namespace bronze::disk
