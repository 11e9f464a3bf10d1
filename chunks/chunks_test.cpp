#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <set>

#include "base/error.h"
#include "base/files.h"
#include "base/sha256.h"
#include "chunks/chunk_index.h"
#include "chunks/chunker.h"
#include "chunks/delta_assembly.h"

namespace bronze::chunks {
namespace {

std::string random_bytes(size_t size, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::string out(size, '\0');
  for (size_t i = 0; i + 8 <= size; i += 8) {
    uint64_t word = random();
    std::memcpy(out.data() + i, &word, 8);
  }
  return out;
}

class File {
 public:
  File(const TempDir& dir, const std::string& name, const std::string& bytes) : path_(dir.path() / name) {
    write_file(path_, bytes);
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw_errno("open " + path_.string());
  }
  ~File() { ::close(fd_); }
  int fd() const { return fd_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

ChunkIndex index_of(const TempDir& dir, const std::string& name, const std::string& bytes) {
  File file(dir, name, bytes);
  return index_file(file.fd(), 0, bytes.size(), name);
}

TEST(ChunkerTest, CutsWithinTheBoundsAndCoversEveryByte) {
  std::string data = random_bytes(8 << 20, 1);
  size_t at = 0, chunks = 0;
  while (at < data.size()) {
    size_t cut = next_cut(std::string_view(data).substr(at));
    bool last = at + cut == data.size();
    EXPECT_LE(cut, kDefaultParams.max_size);
    if (!last) {
      EXPECT_GE(cut, kDefaultParams.min_size);
    }
    at += cut;
    ++chunks;
  }
  EXPECT_EQ(at, data.size());
  double average = static_cast<double>(data.size()) / static_cast<double>(chunks);
  // Normalized chunking keeps the mean near the average size.
  EXPECT_GT(average, 0.6 * kDefaultParams.average_size);
  EXPECT_LT(average, 1.6 * kDefaultParams.average_size);
  EXPECT_EQ(next_cut(std::string_view(data).substr(0, 1000)), 1000u);
  EXPECT_EQ(next_cut(""), 0u);
}

TEST(ChunkerTest, StreamingCutsEqualTheCutsOfTheWholeBuffer) {
  TempDir dir("chunks");
  std::string data = random_bytes(20 << 20, 2);  // more than one read block
  File file(dir, "data", data);
  std::vector<uint64_t> streamed;
  for_each_chunk(file.fd(), 0, data.size(), "data", [&](uint64_t at, std::string_view chunk) {
    EXPECT_EQ(chunk, std::string_view(data).substr(at, chunk.size()));
    streamed.push_back(at);
  });
  std::vector<uint64_t> whole;
  for (size_t at = 0; at < data.size(); at += next_cut(std::string_view(data).substr(at))) whole.push_back(at);
  EXPECT_EQ(streamed, whole);
  // A file shorter than asked is an error, named.
  try {
    for_each_chunk(file.fd(), 0, data.size() + 5, "the seed", [](uint64_t, std::string_view) {});
    FAIL() << "read past the end";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("the seed ends at byte"), std::string::npos) << e.what();
  }
}

TEST(ChunkerTest, AnInsertionChangesOnlyTheChunksAroundIt) {
  TempDir dir("chunks");
  std::string old_bytes = random_bytes(16 << 20, 3);
  std::string new_bytes = old_bytes;
  new_bytes.insert(5 << 20, random_bytes(777, 4));  // shifts everything after it
  new_bytes.replace(11 << 20, 300, random_bytes(300, 5));
  ChunkIndex old_index = index_of(dir, "old", old_bytes);
  ChunkIndex new_index = index_of(dir, "new", new_bytes);
  std::set<ChunkDigest> old_digests;
  for (const auto& c : old_index.chunks) old_digests.insert(c.digest);
  uint64_t changed = 0;
  for (const auto& c : new_index.chunks) {
    if (!old_digests.count(c.digest)) changed += c.length;
  }
  // Two edits: at most a few chunks each, never the rest of the file.
  EXPECT_GT(changed, 0u);
  EXPECT_LT(changed, 4 * 2 * kDefaultParams.max_size) << changed;
}

TEST(ChunkIndexTest, RoundTripsAndRefusesMalformedIndexes) {
  TempDir dir("chunks");
  std::string data = random_bytes(3 << 20, 6);
  ChunkIndex index = index_of(dir, "data", data);
  std::string bytes = serialize(index);
  ChunkIndex parsed = parse_chunk_index(bytes);
  ASSERT_EQ(parsed.chunks.size(), index.chunks.size());
  EXPECT_EQ(parsed.total_size, data.size());
  for (size_t i = 0; i < index.chunks.size(); ++i) {
    EXPECT_EQ(parsed.chunks[i].offset, index.chunks[i].offset);
    EXPECT_EQ(parsed.chunks[i].length, index.chunks[i].length);
    EXPECT_EQ(parsed.chunks[i].digest, index.chunks[i].digest);
    EXPECT_EQ(parsed.chunks[i].digest, sha256_digest(std::string_view(data).substr(index.chunks[i].offset,
                                                                                  index.chunks[i].length)));
  }

  auto refused = [](std::string bad, const std::string& expected) {
    try {
      parse_chunk_index(bad);
      ADD_FAILURE() << "accepted an index that should say: " << expected;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("--full"), std::string::npos) << e.what();
    }
  };
  refused("BRZCHIX2" + bytes.substr(8), "does not start with the header");
  refused(bytes.substr(0, 20), "does not start with the header");
  std::string other_params = bytes;
  other_params[12] = 1;  // average size
  refused(other_params, "are not the ones this node cuts");
  refused(bytes.substr(0, bytes.size() - 1), "does not hold the");
  refused(bytes + "x", "does not hold the");
  std::string huge_count = bytes;
  for (int i = 32; i < 40; ++i) huge_count[static_cast<size_t>(i)] = '\xff';
  refused(huge_count, "does not hold the");
  std::string zero_length = bytes;
  for (int i = 40; i < 44; ++i) zero_length[static_cast<size_t>(i)] = 0;
  refused(zero_length, "chunk 0 is 0 bytes long");
  std::string wrong_total = bytes;
  wrong_total[24] = static_cast<char>(wrong_total[24] + 1);
  refused(wrong_total, "add up to");
  std::string reserved = bytes;
  reserved[20] = 1;
  refused(reserved, "reserved");
}

struct Assembled {
  std::string bytes;
  DeltaStats stats;
  std::vector<std::string> notes;
};

Assembled assemble_from(const File& seed_file, uint64_t seed_length, const ChunkIndex& index,
                        const std::string& image, const std::function<void()>& before_first_fetch = {},
                        size_t corrupt_at = std::string::npos) {
  Assembled out;
  Seed seed{seed_file.fd(), 0, seed_length, "the seed"};
  bool first = true;
  AssemblyOptions options;
  options.note = [&](const std::string& line) { out.notes.push_back(line); };
  out.stats = assemble(index, seed, [&](uint64_t offset, uint64_t length, const std::function<void(std::string_view)>& sink) {
    if (first && before_first_fetch) before_first_fetch();
    first = false;
    std::string piece = image.substr(offset, length);
    if (corrupt_at >= offset && corrupt_at < offset + length) piece[corrupt_at - offset] ^= 1;
    // In odd pieces, as a network delivers them.
    for (size_t at = 0; at < piece.size(); at += 10007) sink(std::string_view(piece).substr(at, 10007));
  }, [&](std::string_view bytes) { out.bytes.append(bytes); }, options);
  return out;
}

TEST(DeltaAssemblyTest, BuildsTheImageFromTheSeedAndFetchesOnlyWhatChanged) {
  TempDir dir("chunks");
  std::string old_bytes = random_bytes(24 << 20, 7);
  std::string new_bytes = old_bytes;
  new_bytes.replace(3 << 20, 4096, random_bytes(4096, 8));
  new_bytes.insert(17 << 20, random_bytes(50000, 9));
  ChunkIndex index = index_of(dir, "new", new_bytes);
  File seed(dir, "seed", old_bytes);

  Assembled delta = assemble_from(seed, old_bytes.size(), index, new_bytes);
  ASSERT_EQ(delta.bytes.size(), new_bytes.size());
  EXPECT_TRUE(delta.bytes == new_bytes);
  EXPECT_EQ(delta.stats.seed_bytes + delta.stats.network_bytes, new_bytes.size());
  EXPECT_GT(delta.stats.network_bytes, 50000u);
  EXPECT_LT(delta.stats.network_bytes, new_bytes.size() / 10);
  EXPECT_LE(delta.stats.requests, 6u);

  // No seed: every byte from the network, in requests of at most 16 MiB.
  Assembled full = assemble_from(seed, 0, index, new_bytes);
  EXPECT_TRUE(full.bytes == new_bytes);
  EXPECT_EQ(full.stats.network_bytes, new_bytes.size());
  EXPECT_EQ(full.stats.requests, 2u);
}

TEST(DeltaAssemblyTest, ZerosTheSeedLacksAreWrittenNotFetched) {
  TempDir dir("chunks");
  std::string old_bytes = random_bytes(4 << 20, 15);
  std::string new_bytes = old_bytes;
  new_bytes.insert(2 << 20, std::string(3 << 20, '\0'));  // free space, as in a filesystem image
  ChunkIndex index = index_of(dir, "new", new_bytes);
  File seed(dir, "seed", old_bytes);
  Assembled out = assemble_from(seed, old_bytes.size(), index, new_bytes);
  EXPECT_TRUE(out.bytes == new_bytes);
  // All but the chunks where the zeros begin and end.
  EXPECT_GE(out.stats.zero_bytes, (3u << 20) - 2 * kDefaultParams.max_size);
  EXPECT_EQ(out.stats.zero_bytes % kDefaultParams.max_size, 0u);
  EXPECT_EQ(out.stats.zero_bytes + out.stats.seed_bytes + out.stats.network_bytes, new_bytes.size());
  EXPECT_LT(out.stats.network_bytes, 4 * kDefaultParams.max_size);
}

TEST(DeltaAssemblyTest, RefusesFetchedBytesThatDoNotMatchTheIndex) {
  TempDir dir("chunks");
  std::string old_bytes = random_bytes(8 << 20, 10);
  std::string new_bytes = old_bytes;
  new_bytes.replace(6 << 20, 100, random_bytes(100, 11));
  ChunkIndex index = index_of(dir, "new", new_bytes);
  File seed(dir, "seed", old_bytes);
  try {
    assemble_from(seed, old_bytes.size(), index, new_bytes, {}, (6 << 20) + 50);
    FAIL() << "assembled an image from bytes the index does not name";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not match its signed chunk index at chunk"), std::string::npos)
        << e.what();
  }
}

TEST(DeltaAssemblyTest, ASeedChunkChangedAfterTheCutIsFetchedInstead) {
  TempDir dir("chunks");
  std::string old_bytes = random_bytes(8 << 20, 12);
  std::string new_bytes = old_bytes;
  new_bytes.replace(1 << 20, 100, random_bytes(100, 13));
  ChunkIndex index = index_of(dir, "new", new_bytes);
  File seed(dir, "seed", old_bytes);
  // Between the cut and the read: the seed's last 3 MiB change.
  Assembled out = assemble_from(seed, old_bytes.size(), index, new_bytes, [&] {
    std::string changed = old_bytes;
    changed.replace(5 << 20, 3 << 20, random_bytes(3 << 20, 14));
    write_file(seed.path(), changed);
  });
  EXPECT_TRUE(out.bytes == new_bytes);
  EXPECT_GE(out.stats.network_bytes, 3u << 20);
  bool noted = false;
  for (const auto& line : out.notes) noted = noted || line.find("no longer matches in the seed") != std::string::npos;
  EXPECT_TRUE(noted);
}

}  // namespace
}  // namespace bronze::chunks
