// Fuzzes the reading of a disk's GPT (through libblkid): every install,
// upgrade and boot of machined starts by finding Bronze's partitions on a
// disk that may hold anything. Input: the start of a disk, written to a file
// because libblkid opens a path. Only bronze::Error may refuse.
//
// Each input is read twice: as it is, and with the primary header's two
// CRC32s made right, so that mutations reach the checks past the checksums.
// libblkid is not built with the sanitizers; a fault inside it shows as a
// crash or a timeout with its frames on top.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "base/error.h"
#include "base/files.h"
#include "disk/partitions/gpt.h"
#include "tests/fuzz/require.h"

namespace {

namespace fs = std::filesystem;

constexpr size_t kSector = 512;

using bronze::fuzz::require;

const bronze::TempDir& work() {
  static const bronze::TempDir dir("bronze-fuzz-gpt");
  return dir;
}

uint32_t crc32(std::string_view bytes) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t c = 0xffffffffu;
  for (unsigned char b : bytes) c = table[(c ^ b) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

uint64_t get_le(const std::string& b, size_t at, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(b[at + i])) << (8 * i);
  return v;
}

void put_le32(std::string& b, size_t at, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) b[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

// The primary header at LBA 1 with its entry array CRC and header CRC set
// to match; false when there is no such header to fix.
bool fix_primary_crcs(std::string& disk) {
  const size_t header = kSector;
  if (disk.size() < 2 * kSector || disk.compare(header, 8, "EFI PART") != 0) return false;
  uint64_t header_size = get_le(disk, header + 12, 4);
  if (header_size < 92 || header_size > kSector) return false;
  uint64_t entries_lba = get_le(disk, header + 72, 8);
  uint64_t count = get_le(disk, header + 80, 4);
  uint64_t entry_size = get_le(disk, header + 84, 4);
  if (entries_lba < disk.size() / kSector && count <= 4096 && entry_size <= 4096) {
    uint64_t at = entries_lba * kSector;
    uint64_t length = count * entry_size;
    if (length <= disk.size() - at) put_le32(disk, header + 88, crc32(std::string_view(disk).substr(at, length)));
  }
  put_le32(disk, header + 16, 0);
  put_le32(disk, header + 16, crc32(std::string_view(disk).substr(header, header_size)));
  return true;
}

void read_disk(const fs::path& disk) {
  try {
    for (const auto& p : bronze::disk::read_gpt(disk)) {
      // GPT entries are numbered from 1; BronzeDisk and the installer find
      // partitions by these fields.
      require(p.number >= 1 && p.start % kSector == 0 && p.size % kSector == 0);
    }
    bronze::disk::read_disk_guid(disk);
  } catch (const bronze::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fs::path disk = work().path() / "disk.raw";
  std::string bytes(reinterpret_cast<const char*>(data), size);
  bronze::write_file(disk, bytes);
  read_disk(disk);
  if (fix_primary_crcs(bytes)) {
    bronze::write_file(disk, bytes);
    read_disk(disk);
  }
  return 0;
}
