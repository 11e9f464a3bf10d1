// A boot slot's content as an ext4 filesystem image: kernel, initramfs, the
// signed manifest and slot.env. The imager builds it once; install and
// upgrade write its bytes into BOOT-A or BOOT-B (the way RAUC writes an
// image slot), so a node needs no mkfs, and an upgrade writes little more
// than its payload.
#pragma once

#include <cstdint>
#include <filesystem>
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

}  // namespace bronze::disk
