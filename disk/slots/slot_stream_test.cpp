// write_slot_stream: a slot image written in one pass as its bytes arrive,
// its head last and only when size and digest are the signed ones; on every
// refusal the partition's head is zero, so nothing takes the half-written
// slot for a filesystem, and nothing outside the partition is touched.
#include "disk/slots/slot_image.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/files.h"
#include "base/sha256.h"
#include "base/subprocess.h"
#include "disk/filesystems/ext4.h"

namespace bronze::disk {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kMiB = 1024 * 1024;

class SlotStream : public ::testing::Test {
 protected:
  void SetUp() override {
    // A slot image with a file in it, as the imager makes one.
    fs::create_directories(dir_.path() / "content");
    write_file(dir_.path() / "content/vmlinuz", std::string(kMiB + 123, 'k'));
    image_ = dir_.path() / "slot.ext4";
    run_checked({"mke2fs", "-q", "-F", "-t", "ext4", "-O", "^has_journal", "-L", "BOOT", "-d",
                 (dir_.path() / "content").string(), image_.string(), "3M"});
    bytes_ = read_file(image_);
    // A disk: 1 MiB before the partition, 4 MiB of old slot, 1 MiB after.
    disk_ = dir_.path() / "disk.raw";
    write_file(disk_, std::string(kMiB, 'B') + std::string(4 * kMiB, 'o') + std::string(kMiB, 'A'));
    partition_.label = "BOOT-B";
    partition_.start = kMiB;
    partition_.size = 4 * kMiB;
  }

  // The payload read from `bytes` in chunks of `chunk` bytes.
  SlotPayload payload(const std::string& bytes, size_t chunk = 300000) {
    offset_ = 0;
    SlotPayload p;
    p.size = bytes_.size();
    p.sha256_hex = sha256_hex(bytes_);
    p.read = [this, &bytes, chunk](char* buffer, size_t n) {
      size_t take = std::min({n, chunk, bytes.size() - offset_});
      std::copy_n(bytes.data() + offset_, take, buffer);
      offset_ += take;
      return take;
    };
    return p;
  }

  std::string refusal(const SlotPayload& p) {
    DiskWriter writer(disk_);
    try {
      write_slot_stream(writer, partition_, p);
    } catch (const Error& e) {
      std::string disk = read_file(disk_);
      EXPECT_EQ(disk.substr(0, kMiB), std::string(kMiB, 'B')) << "before the partition changed";
      EXPECT_EQ(disk.substr(5 * kMiB), std::string(kMiB, 'A')) << "after the partition changed";
      EXPECT_EQ(disk.substr(kMiB, kSlotHeadBytes), std::string(kSlotHeadBytes, '\0')) << "the head is not zero";
      return e.what();
    }
    ADD_FAILURE() << "the stream was written";
    return "";
  }

  TempDir dir_{"bronze-slot-stream"};
  fs::path image_, disk_;
  std::string bytes_;
  Partition partition_;
  size_t offset_ = 0;
};

TEST_F(SlotStream, WritesTheImageWithTheSlotsLabelAndNothingElse) {
  DiskWriter writer(disk_);
  uint64_t last = 0;
  write_slot_stream(writer, partition_, payload(bytes_), [&](uint64_t done, uint64_t total) {
    EXPECT_GT(done, last);
    EXPECT_EQ(total, bytes_.size());
    last = done;
  });
  EXPECT_EQ(last, bytes_.size());
  std::string disk = read_file(disk_);
  EXPECT_EQ(disk.substr(0, kMiB), std::string(kMiB, 'B'));
  EXPECT_EQ(disk.substr(5 * kMiB), std::string(kMiB, 'A'));
  // Past the head, the image's own bytes; the file inside reads back whole.
  EXPECT_EQ(disk.substr(kMiB + kSlotHeadBytes, bytes_.size() - kSlotHeadBytes), bytes_.substr(kSlotHeadBytes));
  EXPECT_EQ(read_from_ext4(disk_, kMiB, "/vmlinuz"), std::string(kMiB + 123, 'k'));
  fs::path slot = dir_.path() / "written.ext4";
  write_file(slot, disk.substr(kMiB, bytes_.size()));
  EXPECT_EQ(run_checked({"e2label", slot.string()}).out, "BOOT-B\n");
  EXPECT_EQ(run({"e2fsck", "-fn", slot.string()}).exit_code, 0) << run({"e2fsck", "-fn", slot.string()}).out;
}

TEST_F(SlotStream, RefusesAnotherDigestATruncatedOrALongerStreamAndASourceThatFails) {
  std::string changed = bytes_;
  changed[2 * kMiB] ^= 1;
  auto p = payload(changed);
  EXPECT_NE(refusal(p).find("not to the signed sha256:" + sha256_hex(bytes_)), std::string::npos);

  std::string shorter = bytes_.substr(0, bytes_.size() - 4096);
  p = payload(shorter);
  EXPECT_NE(refusal(p).find("ended after " + std::to_string(shorter.size()) + " of its " +
                            std::to_string(bytes_.size()) + " bytes (truncated)"),
            std::string::npos);

  std::string longer = bytes_ + "x";
  p = payload(longer);
  EXPECT_NE(refusal(p).find("longer than the " + std::to_string(bytes_.size()) + " bytes"), std::string::npos);

  p = payload(bytes_);
  auto read = p.read;
  p.read = [&, read](char* buffer, size_t n) -> size_t {
    if (offset_ > kMiB) throw Error("the registry went away");
    return read(buffer, n);
  };
  EXPECT_EQ(refusal(p), "the registry went away");

  p = payload(bytes_);
  partition_.size = 2 * kMiB;
  std::string before = read_file(disk_);
  DiskWriter writer(disk_);
  EXPECT_THROW(write_slot_stream(writer, partition_, p), Error);
  EXPECT_EQ(read_file(disk_), before) << "a slot image that does not fit changed the disk";
}

}  // namespace
}  // namespace bronze::disk
