// The disk layout of docs/DESIGN.md as arithmetic: where each partition starts and
// how large it is, for a disk of a given size. Nothing here touches a disk.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bronze::disk {

constexpr uint64_t kSectorSize = 512;
constexpr uint64_t kAlignment = 1024 * 1024;
// The backup GPT: 32 sectors of entries and the header, at the end of the disk.
constexpr uint64_t kBackupGptBytes = 33 * kSectorSize;

namespace part_type {
constexpr const char* kEfiSystem = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
constexpr const char* kBiosBoot = "21686148-6449-6E6F-744E-656564454649";
constexpr const char* kLinuxData = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";
}  // namespace part_type

namespace label {
constexpr const char* kEfi = "EFI";
constexpr const char* kBios = "BIOS";
constexpr const char* kBootA = "BOOT-A";
constexpr const char* kBootB = "BOOT-B";
constexpr const char* kMeta = "META";
constexpr const char* kState = "STATE";
constexpr const char* kEphemeral = "EPHEMERAL";
}  // namespace label

struct Partition {
  int number = 0;  // 1-based GPT entry
  std::string label;
  std::string type_guid;
  uint64_t start = 0;  // bytes from the start of the disk
  uint64_t size = 0;   // bytes
  uint64_t end() const { return start + size; }
  uint64_t start_sector() const { return start / kSectorSize; }
  uint64_t size_sectors() const { return size / kSectorSize; }
};

struct LayoutSizes {
  uint64_t efi = 100 * 1024 * 1024;
  uint64_t bios = 1024 * 1024;
  uint64_t boot = 0;  // per slot, from the platform file
  uint64_t meta = 1024 * 1024;
  uint64_t state = 100 * 1024 * 1024;
  uint64_t min_ephemeral = 64 * 1024 * 1024;
};

class Layout {
 public:
  // Throws an Error naming how much is needed when the disk is too small, or
  // when a size is not a whole number of MiB.
  static Layout plan(uint64_t disk_size, const LayoutSizes& sizes);
  // The smallest disk that holds the layout.
  static uint64_t minimum_disk_size(const LayoutSizes& sizes);

  const std::vector<Partition>& partitions() const { return partitions_; }
  const Partition& get(const std::string& label) const;
  uint64_t disk_size() const { return disk_size_; }

 private:
  uint64_t disk_size_ = 0;
  std::vector<Partition> partitions_;
};

}  // namespace bronze::disk
