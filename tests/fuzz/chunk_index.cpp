// Fuzzes the parsing of a slot image's chunk index (chunks/chunk_index.h):
// it comes from a registry, and a node sizes its reads and requests from it.
// Each input is parsed as it is, and with its total fixed to the sum of its
// lengths so that mutations reach the per-chunk checks. What parses must
// serialize back to the same bytes, its offsets must be the running sum of
// its lengths, and every chunk must lie within the bounds; only
// bronze::Error may refuse.

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/error.h"
#include "chunks/chunk_index.h"
#include "tests/fuzz/require.h"

namespace {

using bronze::fuzz::require;
using namespace bronze::chunks;

constexpr size_t kHeaderSize = 40;
constexpr size_t kRecordSize = 36;

void parse(const std::string& bytes) {
  ChunkIndex index;
  try {
    index = parse_chunk_index(bytes);
  } catch (const bronze::Error&) {
    return;
  }
  require(serialize(index) == bytes);
  uint64_t offset = 0;
  for (size_t i = 0; i < index.chunks.size(); ++i) {
    const Chunk& chunk = index.chunks[i];
    require(chunk.offset == offset);
    require(chunk.length >= 1 && chunk.length <= index.params.max_size);
    require(i + 1 == index.chunks.size() || chunk.length >= index.params.min_size);
    offset += chunk.length;
  }
  require(offset == index.total_size);
}

// Sets the total to what the records that fit add up to.
bool fix_total(std::string& bytes) {
  if (bytes.size() < kHeaderSize) return false;
  uint64_t total = 0;
  for (size_t at = kHeaderSize; at + kRecordSize <= bytes.size(); at += kRecordSize) {
    uint32_t length = 0;
    for (size_t i = 0; i < 4; ++i) length |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[at + i])) << (8 * i);
    total += length;
  }
  for (size_t i = 0; i < 8; ++i) bytes[24 + i] = static_cast<char>((total >> (8 * i)) & 0xff);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  parse(bytes);
  if (fix_total(bytes)) parse(bytes);
  return 0;
}
