// Where a streamed upgrade's slot image comes from: the whole layer from the
// registry (a full upgrade), or, when the image publishes a chunk index, the
// node's active slot as the seed plus the chunks it lacks fetched by range
// (a delta upgrade; docs/DESIGN.md decision 22). Either way the bytes go in
// order to one sink, the installer, which checks their size and digest
// against the signed manifest: a delta is verified exactly as a full one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "chunks/chunk_index.h"
#include "chunks/delta_assembly.h"
#include "installer_image/documents.h"
#include "registry/pull.h"

namespace bronze::machined {

using Sink = std::function<void(std::string_view)>;
using Note = std::function<void(const std::string& line)>;

// The slot image layer and where to fetch it.
struct SlotImageOrigin {
  registry::Reference ref;
  registry::Endpoint endpoint;
  registry::PullOptions options;
  oci::Descriptor layer;
};

// The active slot, read only: the partition of `disk` its image fills.
struct SeedSlot {
  std::filesystem::path disk;
  uint64_t offset = 0;
  uint64_t length = 0;
  std::string what;  // "the active slot (BOOT-A)"
};

// The active slot `slot` of `disk` as a seed: its ext4 image's extent, or
// nothing (with the reason in `why`) when it cannot be read as one.
std::optional<SeedSlot> active_slot_seed(const std::filesystem::path& disk, char slot, std::string& why);

// The whole layer, resuming a broken transfer.
void stream_whole(const SlotImageOrigin& origin, const Sink& sink, const Note& note);

// The image built from `seed` and ranges of the layer, as `index` cuts it.
// Throws naming the chunk when fetched bytes do not match the index.
chunks::DeltaStats stream_delta(const SlotImageOrigin& origin, const chunks::ChunkIndex& index, const SeedSlot& seed,
                                const Sink& sink, const Note& note);

}  // namespace bronze::machined
