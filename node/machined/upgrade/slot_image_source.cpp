#include "node/machined/upgrade/slot_image_source.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "base/error.h"
#include "disk/filesystems/ext4.h"
#include "disk/slots/bronze_disk.h"

namespace bronze::machined {

std::optional<SeedSlot> active_slot_seed(const std::filesystem::path& disk, char slot, std::string& why) {
  try {
    const auto partition = disk::BronzeDisk::open(disk).slot_partition(slot);
    uint64_t bytes = std::min(disk::ext4_filesystem_bytes(disk, partition.start), partition.size);
    return SeedSlot{disk, partition.start, bytes, "the active slot (" + partition.label + ")"};
  } catch (const std::exception& e) {
    why = e.what();
    return std::nullopt;
  }
}

void stream_whole(const SlotImageOrigin& origin, const Sink& sink, const Note& note) {
  registry::StreamBlobOptions stream;
  stream.check_digest = false;  // the installer hashes every byte against the signed digest
  stream.on_resume = [&](uint64_t at, const std::string& why) {
    note("the slot image's transfer broke off at byte " + std::to_string(at) + " (" + why + "); resuming from there");
  };
  registry::stream_layer(origin.ref, origin.endpoint, origin.options, origin.layer, sink, stream);
}

chunks::DeltaStats stream_delta(const SlotImageOrigin& origin, const chunks::ChunkIndex& index, const SeedSlot& seed,
                                const Sink& sink, const Note& note) {
  if (index.total_size != origin.layer.size) {
    throw Error("the chunk index describes " + std::to_string(index.total_size) + " bytes, but the signed slot image "
                "has " + std::to_string(origin.layer.size) + "; refused (upgrade with --full)");
  }
  // Only read: the active slot is what the node runs and falls back to.
  int fd = ::open(seed.disk.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("cannot open " + seed.disk.string() + " to read " + seed.what);
  try {
    registry::BlobRanges ranges(origin.ref, origin.endpoint, origin.options, origin.layer);
    registry::StreamBlobOptions stream;
    stream.on_resume = [&](uint64_t at, const std::string& why) {
      note("a range of the slot image broke off at byte " + std::to_string(at) + " (" + why + "); resuming from there");
    };
    chunks::AssemblyOptions options;
    options.note = note;
    chunks::DeltaStats stats = chunks::assemble(
        index, chunks::Seed{fd, seed.offset, seed.length, seed.what},
        [&](uint64_t offset, uint64_t length, const std::function<void(std::string_view)>& range_sink) {
          ranges.read(offset, length, range_sink, stream);
        },
        sink, options);
    ::close(fd);
    return stats;
  } catch (...) {
    ::close(fd);
    throw;
  }
}

}  // namespace bronze::machined
