// A boot slot's content as an ext4 filesystem image: kernel, initramfs, the
// signed manifest and slot.env. The imager builds it once; install and
// upgrade write its bytes into BOOT-A or BOOT-B (the way RAUC writes an
// image slot), so a node needs no mkfs, and an upgrade writes little more
// than its payload.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "disk/install/install.h"
#include "disk/partitions/disk_writer.h"
#include "disk/partitions/gpt.h"

namespace bronze::disk {

// Builds the image at `out`: just large enough for the content.
void make_slot_image(const SlotContent& content, const std::filesystem::path& out, const std::string& uuid,
                     int64_t epoch);

// Writes `image` into `partition` of the disk through `writer` in 1 MiB
// steps, with the filesystem label set to the slot's ("BOOT-B"), then reads
// the written bytes back and compares their digest. Throws when the image
// does not fit or the read-back differs.
void write_slot_image(DiskWriter& writer, const Partition& partition, const std::filesystem::path& image);

// A slot image arriving as a stream (from the installer image's archive, or
// piped from a registry): what its signed descriptor says, and its bytes.
struct SlotPayload {
  uint64_t size = 0;
  std::string sha256_hex;  // of all `size` bytes, from the signed image manifest
  // Up to `n` bytes into `buffer`; 0 at the end. Throws when the source fails.
  std::function<size_t(char* buffer, size_t n)> read;
};

// How much of a slot's start is held back and written last: ext4's
// superblock and group descriptors lie in it, so until the last write the
// slot does not read as a filesystem at all.
inline constexpr uint64_t kSlotHeadBytes = 64 * 1024;

// Writes the payload into `partition` as it arrives, one pass, through
// `writer`: first the partition's head is zeroed, then everything after the
// head is written while all bytes are hashed; only when size and digest match
// the descriptor is the head (with the filesystem label set to the slot's)
// written. Throws naming what differed (too long, too short, another digest,
// the source's own error); the slot's head is then zero, so a half-written
// slot never passes for a filesystem. Memory: two 1 MiB buffers and the head.
void write_slot_stream(DiskWriter& writer, const Partition& partition, const SlotPayload& payload,
                       const std::function<void(uint64_t done, uint64_t total)>& progress = {});

}  // namespace bronze::disk
