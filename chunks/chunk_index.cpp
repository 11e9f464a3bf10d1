#include "chunks/chunk_index.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "base/error.h"
#include "base/sha256.h"

namespace bronze::chunks {

namespace {

constexpr std::string_view kMagic = "BRZCHIX1";
constexpr size_t kHeaderSize = 8 + 4 * 4 + 8 + 8;
constexpr size_t kRecordSize = 4 + 32;

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint64_t get_le(std::string_view bytes, size_t at, int width) {
  uint64_t v = 0;
  for (int i = width - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[at + static_cast<size_t>(i)]);
  return v;
}

[[noreturn]] void refuse(const std::string& why) {
  throw Error("the chunk index is malformed: " + why + "; upgrade with --full to fetch the whole slot image");
}

}  // namespace

ChunkIndex index_file(int fd, uint64_t offset, uint64_t length, const std::string& what, const ChunkerParams& params) {
  ChunkIndex index{params, length, {}};
  for_each_chunk(fd, offset, length, what, [&](uint64_t at, std::string_view chunk) {
    index.chunks.push_back(Chunk{at, static_cast<uint32_t>(chunk.size()), sha256_digest(chunk)});
  }, params);
  return index;
}

ChunkIndex index_path(const std::filesystem::path& path, const ChunkerParams& params) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("cannot open " + path.string());
  struct stat st {};
  try {
    if (::fstat(fd, &st) != 0) throw_errno("cannot stat " + path.string());
    ChunkIndex index = index_file(fd, 0, static_cast<uint64_t>(st.st_size), path.string(), params);
    ::close(fd);
    return index;
  } catch (...) {
    ::close(fd);
    throw;
  }
}

std::string serialize(const ChunkIndex& index) {
  std::string out(kMagic);
  put_u32(out, index.params.min_size);
  put_u32(out, index.params.average_size);
  put_u32(out, index.params.max_size);
  put_u32(out, 0);
  put_u64(out, index.total_size);
  put_u64(out, index.chunks.size());
  out.reserve(out.size() + index.chunks.size() * kRecordSize);
  for (const auto& chunk : index.chunks) {
    put_u32(out, chunk.length);
    out.append(reinterpret_cast<const char*>(chunk.digest.data()), chunk.digest.size());
  }
  return out;
}

ChunkIndex parse_chunk_index(std::string_view bytes) {
  if (bytes.size() < kHeaderSize || bytes.substr(0, kMagic.size()) != kMagic) {
    refuse("it does not start with the header \"BRZCHIX1\"");
  }
  ChunkIndex index;
  index.params = ChunkerParams{static_cast<uint32_t>(get_le(bytes, 8, 4)), static_cast<uint32_t>(get_le(bytes, 12, 4)),
                               static_cast<uint32_t>(get_le(bytes, 16, 4))};
  if (!(index.params == kDefaultParams)) {
    refuse("its chunk sizes (" + std::to_string(index.params.min_size) + "/" +
           std::to_string(index.params.average_size) + "/" + std::to_string(index.params.max_size) +
           ") are not the ones this node cuts its seed with (" + std::to_string(kDefaultParams.min_size) + "/" +
           std::to_string(kDefaultParams.average_size) + "/" + std::to_string(kDefaultParams.max_size) + ")");
  }
  if (get_le(bytes, 20, 4) != 0) refuse("its reserved field is not 0");
  index.total_size = get_le(bytes, 24, 8);
  uint64_t count = get_le(bytes, 32, 8);
  if (count > (bytes.size() - kHeaderSize) / kRecordSize || bytes.size() != kHeaderSize + count * kRecordSize) {
    refuse("it is " + std::to_string(bytes.size()) + " bytes long, which does not hold the " + std::to_string(count) +
           " chunks its header counts");
  }
  index.chunks.reserve(count);
  uint64_t offset = 0;
  for (uint64_t i = 0; i < count; ++i) {
    size_t at = kHeaderSize + static_cast<size_t>(i) * kRecordSize;
    auto length = static_cast<uint32_t>(get_le(bytes, at, 4));
    bool last = i + 1 == count;
    if (length == 0 || length > index.params.max_size || (!last && length < index.params.min_size)) {
      refuse("chunk " + std::to_string(i) + " is " + std::to_string(length) + " bytes long, outside " +
             std::to_string(index.params.min_size) + ".." + std::to_string(index.params.max_size));
    }
    Chunk chunk{offset, length, {}};
    std::memcpy(chunk.digest.data(), bytes.data() + at + 4, chunk.digest.size());
    index.chunks.push_back(chunk);
    offset += length;
  }
  if (offset != index.total_size) {
    refuse("its chunks add up to " + std::to_string(offset) + " bytes, not the " + std::to_string(index.total_size) +
           " its header says");
  }
  return index;
}

}  // namespace bronze::chunks
