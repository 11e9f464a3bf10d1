// Content-defined chunking (FastCDC: a gear rolling hash with normalized
// chunk sizes) of slot images, for delta upgrades (docs/DESIGN.md, decision
// 22). A cut depends only on the bytes just before it, so an insertion or a
// change moves the cuts near it alone: two versions of a root share every
// chunk but those around what changed, wherever it moved to.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace bronze::chunks {

// The sizes are part of the index format: a node cuts its seed with the
// parameters the index names, and refuses ones it does not know.
// 16 KiB on average: a change in a slot image (a few ext4 metadata blocks,
// a SquashFS block) costs about that much, and the index 0.2% of the image
// (BENCHMARKS.md, delta upgrades: 64 KiB fetched three times the bytes).
struct ChunkerParams {
  uint32_t min_size = 4 << 10;       // one ext4 block
  uint32_t average_size = 16 << 10;  // a power of two
  uint32_t max_size = 64 << 10;
  bool operator==(const ChunkerParams&) const = default;
};

inline constexpr ChunkerParams kDefaultParams{};

// The length of the first chunk of `data` (all of it when it is shorter than
// the minimum, never more than the maximum). Pure: the same bytes give the
// same cut.
size_t next_cut(std::string_view data, const ChunkerParams& params = kDefaultParams);

// Cuts `length` bytes of the file open at `fd`, from `offset`, into chunks
// and hands each one, with its offset from `offset`, to `on_chunk`. Reads
// with pread in large blocks; memory is one block. Throws naming `what` when
// a read fails or the file ends early.
void for_each_chunk(int fd, uint64_t offset, uint64_t length, const std::string& what,
                    const std::function<void(uint64_t at, std::string_view chunk)>& on_chunk,
                    const ChunkerParams& params = kDefaultParams);

}  // namespace bronze::chunks
