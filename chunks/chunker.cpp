#include "chunks/chunker.h"

#include <unistd.h>

#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "base/error.h"

namespace bronze::chunks {

namespace {

// 256 random 64-bit words, fixed forever (they decide where every cut falls,
// so they are part of the index format): splitmix64 from a constant seed.
constexpr std::array<uint64_t, 256> make_gear() {
  std::array<uint64_t, 256> gear{};
  uint64_t state = 0x42524f4e5a45ull;  // "BRONZE"
  for (auto& word : gear) {
    state += 0x9e3779b97f4a7c15ull;
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    word = z ^ (z >> 31);
  }
  return gear;
}

constexpr std::array<uint64_t, 256> kGear = make_gear();

// The top `bits` bits: the gear hash shifts left, so its high bits depend on
// the most bytes (up to 64 back), and a mask there looks at a wide window.
constexpr uint64_t top_bits(int bits) { return bits <= 0 ? 0 : ~uint64_t{0} << (64 - bits); }

}  // namespace

size_t next_cut(std::string_view data, const ChunkerParams& params) {
  const size_t size = data.size();
  if (size <= params.min_size) return size;
  const size_t end = std::min<size_t>(size, params.max_size);
  const size_t normal = std::min<size_t>(end, params.average_size);
  // Normalized chunking: a harder mask before the average size and an easier
  // one after it pull chunk sizes towards the average.
  const int bits = std::countr_zero(params.average_size);
  const uint64_t mask_small = top_bits(bits + 2);
  const uint64_t mask_large = top_bits(bits - 2);
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  uint64_t hash = 0;
  size_t i = params.min_size;
  for (; i < normal; ++i) {
    hash = (hash << 1) + kGear[bytes[i]];
    if ((hash & mask_small) == 0) return i + 1;
  }
  for (; i < end; ++i) {
    hash = (hash << 1) + kGear[bytes[i]];
    if ((hash & mask_large) == 0) return i + 1;
  }
  return end;
}

void for_each_chunk(int fd, uint64_t offset, uint64_t length, const std::string& what,
                    const std::function<void(uint64_t at, std::string_view chunk)>& on_chunk,
                    const ChunkerParams& params) {
  // Many chunks per read; at least one whole maximal chunk after a refill.
  const size_t block = std::max<size_t>(8u << 20, 2 * static_cast<size_t>(params.max_size));
  std::vector<char> buffer(block);
  size_t start = 0, end = 0;  // unconsumed bytes in the buffer
  uint64_t read_so_far = 0, at = 0;
  while (at < length) {
    if (end - start < params.max_size && read_so_far < length) {
      std::memmove(buffer.data(), buffer.data() + start, end - start);
      end -= start;
      start = 0;
      while (end < buffer.size() && read_so_far < length) {
        size_t want = static_cast<size_t>(std::min<uint64_t>(buffer.size() - end, length - read_so_far));
        ssize_t n = ::pread(fd, buffer.data() + end, want, static_cast<off_t>(offset + read_so_far));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("cannot read " + what);
        if (n == 0) {
          throw Error(what + " ends at byte " + std::to_string(read_so_far) + " of the " + std::to_string(length) +
                      " to be read");
        }
        end += static_cast<size_t>(n);
        read_so_far += static_cast<uint64_t>(n);
      }
    }
    size_t cut = next_cut(std::string_view(buffer.data() + start, end - start), params);
    on_chunk(at, std::string_view(buffer.data() + start, cut));
    start += cut;
    at += cut;
  }
}

}  // namespace bronze::chunks
