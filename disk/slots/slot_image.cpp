#include "disk/slots/slot_image.h"

#include <fstream>
#include <vector>

#include "base/error.h"
#include "base/files.h"
#include "base/sha256.h"
#include "base/units.h"
#include "disk/boot/boot_state.h"
#include "disk/filesystems/ext4.h"

namespace bronze::disk {
namespace fs = std::filesystem;

void make_slot_image(const SlotContent& content, const fs::path& out, const std::string& uuid, int64_t epoch) {
  TempDir work("bronze-slot");
  fs::path dir = work.path() / "slot";
  fs::create_directories(dir);
  fs::copy_file(content.kernel, dir / slot_file::kKernel);
  fs::copy_file(content.initramfs, dir / slot_file::kInitramfs);
  fs::copy_file(content.manifest, dir / slot_file::kManifest);
  fs::copy_file(content.signature, dir / slot_file::kSignature);
  write_file(dir / slot_file::kSlotEnv, encode_slot_env(content.version, content.cmdline));
  set_tree_times(dir, epoch);

  uint64_t payload = 0;
  for (const auto& entry : fs::directory_iterator(dir)) payload += fs::file_size(entry.path());
  // Room for ext4's own metadata (no journal: a slot is written whole, never
  // updated in place), rounded up to whole MiB.
  uint64_t size = (payload + payload / 16 + 2 * MiB + MiB - 1) / MiB * MiB;
  write_file(out, "");
  fs::resize_file(out, size);
  Partition whole;
  whole.start = 0;
  whole.size = size;
  // No backup superblocks (sparse_super2, none kept): a slot is checked by
  // its signed manifest, not repaired, and backups are copies of the
  // superblock, which names the version's UUID, spread over the image: each
  // one would be a changed chunk amid unchanged ones for a delta upgrade
  // (docs/DESIGN.md, decision 22).
  make_ext4(out, whole,
            {"BOOT", uuid, epoch, dir, {"-O", "^has_journal,sparse_super2", "-N", "64", "-m", "0"}, {"num_backup_sb=0"}});
}

void write_slot_image(DiskWriter& writer, const Partition& partition, const fs::path& image) {
  uint64_t size = fs::file_size(image);
  if (size > partition.size) {
    throw Error("the slot image (" + format_size(size) + ") does not fit " + partition.label + " (" +
                format_size(partition.size) + ")");
  }
  // Label a private copy, so that every byte reaching the disk goes through
  // the writer.
  TempDir work("bronze-slot-write");
  fs::path copy = work.path() / "slot.ext4";
  fs::copy_file(image, copy);
  set_ext4_label(copy, 0, partition.label);

  std::ifstream in(copy, std::ios::binary);
  std::vector<char> buffer(MiB);
  Sha256 written;
  uint64_t offset = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    auto n = static_cast<size_t>(in.gcount());
    if (n == 0) break;
    writer.write(partition.start + offset, std::string_view(buffer.data(), n));
    written.update(buffer.data(), n);
    offset += n;
  }
  std::string expected = written.hex_digest();
  Sha256 read_back;
  for (uint64_t at = 0; at < size; at += MiB) {
    read_back.update(read_at(writer.disk(), partition.start + at, static_cast<size_t>(std::min<uint64_t>(MiB, size - at))));
  }
  if (read_back.hex_digest() != expected) {
    throw Error("reading " + partition.label + " back gave other bytes than were written: the disk is failing");
  }
}

void write_slot_stream(DiskWriter& writer, const Partition& partition, const SlotPayload& payload,
                       const std::function<void(uint64_t, uint64_t)>& progress) {
  if (payload.size > partition.size) {
    throw Error("the slot image (" + format_size(payload.size) + ") does not fit " + partition.label + " (" +
                format_size(partition.size) + ")");
  }
  const uint64_t head_size = std::min(kSlotHeadBytes, payload.size);
  writer.zero(partition.start, kSlotHeadBytes);
  std::string head;
  head.reserve(head_size);
  std::vector<char> buffer(MiB);
  Sha256 hash;
  uint64_t done = 0;
  while (true) {
    // A whole buffer at a time (a pipe hands out 64 KiB per read): fewer,
    // larger writes.
    size_t n = 0;
    while (n < buffer.size()) {
      size_t got = payload.read(buffer.data() + n, buffer.size() - n);
      if (got == 0) break;
      n += got;
    }
    if (n == 0) break;
    if (n > payload.size - done) {
      throw Error("the slot image is longer than the " + std::to_string(payload.size) +
                  " bytes its signed descriptor gives; refused");
    }
    hash.update(buffer.data(), n);
    size_t into_head = static_cast<size_t>(std::min<uint64_t>(n, head_size > done ? head_size - done : 0));
    head.append(buffer.data(), into_head);
    if (n > into_head) {
      writer.write_unflushed(partition.start + done + into_head,
                             std::string_view(buffer.data() + into_head, n - into_head));
    }
    done += n;
    if (progress) progress(done, payload.size);
  }
  if (done != payload.size) {
    throw Error("the slot image ended after " + std::to_string(done) + " of its " + std::to_string(payload.size) +
                " bytes (truncated); " + partition.label + " was not made bootable");
  }
  if (std::string got = hash.hex_digest(); got != payload.sha256_hex) {
    throw Error("the slot image's bytes hash to sha256:" + got + ", not to the signed sha256:" + payload.sha256_hex +
                "; " + partition.label + " was not made bootable");
  }
  // The label goes into the head through libext2fs, on a private copy that
  // is the head followed by a hole (the rest of the filesystem is not read).
  TempDir work("bronze-slot-head");
  fs::path copy = work.path() / "head.ext4";
  write_file(copy, head);
  fs::resize_file(copy, payload.size);
  set_ext4_label(copy, 0, partition.label);
  // The body is on the disk before the head that makes it a filesystem.
  writer.flush();
  writer.write(partition.start, read_at(copy, 0, static_cast<size_t>(head_size)));
}

}  // namespace bronze::disk
