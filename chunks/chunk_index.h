// The chunk index of a slot image: its content-defined chunks in order, each
// by length and sha256. `imager installer` publishes it as a layer of the
// installer image (kChunkIndexMediaType), so the image's signature covers it;
// a node builds the new slot from chunks its active slot already holds plus
// the rest fetched by range (delta_feed.h).
//
// Binary, little-endian, so that a 1 GiB image's index (about 65,000 chunks)
// is 2.3 MiB and parses without a JSON library:
//   "BRZCHIX1"                        8 bytes
//   min, average, max chunk size      3 x u32 (the chunker's parameters)
//   reserved                          u32, 0
//   total size of the image           u64
//   number of chunks                  u64
//   per chunk: length u32, sha256     36 bytes
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "chunks/chunker.h"

namespace bronze::chunks {

using ChunkDigest = std::array<uint8_t, 32>;

struct Chunk {
  uint64_t offset = 0;  // in the image (the sum of the lengths before it)
  uint32_t length = 0;
  ChunkDigest digest{};
};

struct ChunkIndex {
  ChunkerParams params;
  uint64_t total_size = 0;
  std::vector<Chunk> chunks;
};

// Cuts the `length` bytes of the file at `offset` and hashes each chunk.
ChunkIndex index_file(int fd, uint64_t offset, uint64_t length, const std::string& what,
                      const ChunkerParams& params = kDefaultParams);

// The whole file at `path`.
ChunkIndex index_path(const std::filesystem::path& path, const ChunkerParams& params = kDefaultParams);

std::string serialize(const ChunkIndex& index);

// Bytes from outside (a registry), though signed: refuses, naming the field,
// a wrong magic, parameters other than the ones this node cuts with, a size
// that does not match the record count, a chunk of length 0 or above the
// maximum (or below the minimum before the last), and lengths that do not
// add up to the total.
ChunkIndex parse_chunk_index(std::string_view bytes);

}  // namespace bronze::chunks
