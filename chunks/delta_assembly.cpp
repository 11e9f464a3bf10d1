#include "chunks/delta_assembly.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "base/sha256.h"

namespace bronze::chunks {

namespace {

struct DigestHash {
  size_t operator()(const ChunkDigest& d) const {
    size_t h = 0;
    std::memcpy(&h, d.data(), sizeof h);  // a sha256 is uniform already
    return h;
  }
};

using SeedMap = std::unordered_map<ChunkDigest, uint64_t, DigestHash>;  // digest -> offset in the seed

// Where in the seed each chunk the image needs is, for those it has.
SeedMap locate_in_seed(const ChunkIndex& index, const Seed& seed) {
  SeedMap wanted;
  for (const auto& chunk : index.chunks) wanted.emplace(chunk.digest, UINT64_MAX);
  SeedMap found;
  if (seed.length == 0) return found;
  for_each_chunk(seed.fd, seed.offset, seed.length, seed.what, [&](uint64_t at, std::string_view bytes) {
    auto digest = sha256_digest(bytes);
    if (wanted.count(digest)) found.emplace(digest, at);
  }, index.params);
  return found;
}

bool read_seed(const Seed& seed, uint64_t at, std::string& buffer, size_t length) {
  buffer.resize(length);
  size_t done = 0;
  while (done < length) {
    ssize_t n = ::pread(seed.fd, buffer.data() + done, length - done, static_cast<off_t>(seed.offset + at + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string describe(const Chunk& chunk, size_t number) {
  return "chunk " + std::to_string(number) + " (bytes " + std::to_string(chunk.offset) + ".." +
         std::to_string(chunk.offset + chunk.length) + ")";
}

}  // namespace

DeltaStats assemble(const ChunkIndex& index, const Seed& seed, const FetchRange& fetch,
                    const std::function<void(std::string_view)>& sink, const AssemblyOptions& options) {
  auto note = [&](const std::string& line) {
    if (options.note) options.note(line);
  };
  note("cutting " + seed.what + " (" + std::to_string(seed.length) + " bytes) into chunks to find the " +
       std::to_string(index.chunks.size()) + " chunks of the new slot image");
  SeedMap in_seed = locate_in_seed(index, seed);

  DeltaStats stats;
  uint64_t done = 0;
  // One chunk to the sink, counted against where it came from.
  auto deliver = [&](std::string_view bytes, uint64_t& from_bytes, uint64_t& from_chunks) {
    sink(bytes);
    done += bytes.size();
    from_bytes += bytes.size();
    ++from_chunks;
    if (options.progress) options.progress(done, index.total_size, stats);
  };
  std::string buffer;
  const auto& chunks = index.chunks;
  const std::string zeros(index.params.max_size, '\0');
  const ChunkDigest zeros_digest = sha256_digest(zeros);
  auto all_zeros = [&](const Chunk& chunk) {
    return chunk.length == index.params.max_size && chunk.digest == zeros_digest;
  };
  size_t i = 0;
  while (i < chunks.size()) {
    if (!in_seed.count(chunks[i].digest) && all_zeros(chunks[i])) {
      deliver(zeros, stats.zero_bytes, stats.zero_chunks);
      ++i;
      continue;
    }
    auto found = in_seed.find(chunks[i].digest);
    if (found != in_seed.end()) {
      if (read_seed(seed, found->second, buffer, chunks[i].length) && sha256_digest(buffer) == chunks[i].digest) {
        deliver(buffer, stats.seed_bytes, stats.seed_chunks);
        ++i;
        continue;
      }
      // Changed since it was cut (or unreadable): the registry has it.
      note(describe(chunks[i], i) + " no longer matches in " + seed.what + "; fetching it");
      in_seed.erase(found);
    }
    // A run of consecutive chunks the seed lacks, in one request.
    size_t end = i + 1;
    uint64_t run_bytes = chunks[i].length;
    while (end < chunks.size() && !in_seed.count(chunks[end].digest) && !all_zeros(chunks[end]) &&
           run_bytes + chunks[end].length <= options.max_request_bytes) {
      run_bytes += chunks[end].length;
      ++end;
    }
    size_t current = i;
    buffer.clear();
    ++stats.requests;
    fetch(chunks[i].offset, run_bytes, [&](std::string_view bytes) {
      while (!bytes.empty()) {
        if (current >= end) throw Error("the registry sent more bytes than the range asked for; refused");
        size_t take = std::min<size_t>(bytes.size(), chunks[current].length - buffer.size());
        buffer.append(bytes.substr(0, take));
        bytes.remove_prefix(take);
        if (buffer.size() < chunks[current].length) continue;
        if (sha256_digest(buffer) != chunks[current].digest) {
          throw Error("the slot image in the registry does not match its signed chunk index at " +
                      describe(chunks[current], current) + ": refused (the registry serves other bytes than the "
                      "signed image)");
        }
        deliver(buffer, stats.network_bytes, stats.network_chunks);
        ++current;
        buffer.clear();
      }
    });
    if (current != end) {
      throw Error("the registry's answer for " + describe(chunks[current], current) + " ended early; refused");
    }
    i = end;
  }
  return stats;
}

}  // namespace bronze::chunks
