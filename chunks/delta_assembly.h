// A delta upgrade's slot image, assembled in order from two sources: the
// chunks the seed (the node's active slot, only ever read) already holds,
// and the others fetched by range from the full image in the registry.
// Every chunk is checked against the signed index before it goes to the
// sink; the sink (the installer) then checks the whole image's size and
// digest exactly as in a full upgrade (docs/DESIGN.md, decision 22).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "chunks/chunk_index.h"

namespace bronze::chunks {

struct Seed {
  int fd = -1;          // open read-only
  uint64_t offset = 0;  // where the seed's bytes start in the file (a partition's start on the disk)
  uint64_t length = 0;
  std::string what;     // "the active slot (BOOT-A)", for messages
};

struct DeltaStats {
  uint64_t seed_bytes = 0;     // written from the seed
  uint64_t network_bytes = 0;  // fetched
  uint64_t seed_chunks = 0;
  uint64_t network_chunks = 0;
  uint64_t zero_bytes = 0;     // whole chunks of zeros the seed lacked, written without a fetch
  uint64_t zero_chunks = 0;
  uint64_t requests = 0;       // range requests made
};

// Streams bytes [offset, offset + length) of the full image to `sink`;
// throws when it cannot deliver them all.
using FetchRange =
    std::function<void(uint64_t offset, uint64_t length, const std::function<void(std::string_view)>& sink)>;

struct AssemblyOptions {
  // Consecutive missing chunks are fetched with one request of up to this
  // many bytes: fewer round trips, no bytes the node already has.
  uint64_t max_request_bytes = 16ull << 20;
  std::function<void(const std::string& line)> note;
  // After each chunk: bytes of the image delivered so far.
  std::function<void(uint64_t done, uint64_t total, const DeltaStats& stats)> progress;
};

// Cuts the seed (one read of it), then writes the image's chunks to `sink`
// in order. A maximal chunk of zeros (free space in a filesystem image)
// that the seed lacks is written as zeros, not fetched: its digest says it
// is. Throws naming the chunk when fetched bytes do not match the
// index (the registry's image is not the signed one), and what `fetch` or
// the sink threw. A seed chunk that no longer matches when read again is
// fetched instead.
DeltaStats assemble(const ChunkIndex& index, const Seed& seed, const FetchRange& fetch,
                    const std::function<void(std::string_view)>& sink, const AssemblyOptions& options = {});

}  // namespace bronze::chunks
