#include "kernel/audit/decompress.h"

#include <archive.h>
#include <archive_entry.h>
#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <array>
#include <climits>
#include <memory>

#include "base/error.h"

namespace bronze::kspp {

namespace {

constexpr size_t kChunk = 64 * 1024;

// Appends a chunk and says whether to stop.
bool take(std::string& out, const char* data, size_t size, size_t limit, const EnoughOutput& enough) {
  out.append(data, size);
  return out.size() >= limit || (enough && size > 0 && enough(out));
}

std::optional<std::string> result(std::string out) {
  if (out.empty()) return std::nullopt;
  return out;
}

// zlib and bzip2 count input in unsigned int: feed at most this much per call.
unsigned clamp_uint(size_t size) { return static_cast<unsigned>(std::min<size_t>(size, UINT_MAX)); }

std::optional<std::string> gunzip(std::string_view data, size_t limit, const EnoughOutput& enough) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) throw Error("zlib: cannot start inflate");
  std::unique_ptr<z_stream, decltype(&inflateEnd)> guard(&stream, inflateEnd);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = clamp_uint(data.size());
  std::string out;
  std::array<char, kChunk> buffer{};
  for (;;) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer.data());
    stream.avail_out = static_cast<uInt>(buffer.size());
    int status = inflate(&stream, Z_NO_FLUSH);
    size_t produced = buffer.size() - stream.avail_out;
    if (take(out, buffer.data(), produced, limit, enough)) break;
    if (status == Z_STREAM_END || status != Z_OK) break;
    if (produced == 0 && stream.avail_in == 0) break;
  }
  return result(std::move(out));
}

// xz (`alone` = false) or the older lzma format the kernel also uses.
std::optional<std::string> unxz(std::string_view data, bool alone, size_t limit, const EnoughOutput& enough) {
  lzma_stream stream = LZMA_STREAM_INIT;
  // No LZMA_CONCATENATED: the stream ends where the kernel's payload does.
  lzma_ret started = alone ? lzma_alone_decoder(&stream, UINT64_MAX) : lzma_stream_decoder(&stream, UINT64_MAX, 0);
  if (started != LZMA_OK) throw Error("liblzma: cannot start the decoder");
  std::unique_ptr<lzma_stream, decltype(&lzma_end)> guard(&stream, lzma_end);
  stream.next_in = reinterpret_cast<const uint8_t*>(data.data());
  stream.avail_in = data.size();
  std::string out;
  std::array<char, kChunk> buffer{};
  for (;;) {
    stream.next_out = reinterpret_cast<uint8_t*>(buffer.data());
    stream.avail_out = buffer.size();
    lzma_ret status = lzma_code(&stream, LZMA_FINISH);
    size_t produced = buffer.size() - stream.avail_out;
    if (take(out, buffer.data(), produced, limit, enough)) break;
    if (status != LZMA_OK) break;  // LZMA_STREAM_END or an error
  }
  return result(std::move(out));
}

std::optional<std::string> unzstd(std::string_view data, size_t limit, const EnoughOutput& enough) {
  std::unique_ptr<ZSTD_DStream, decltype(&ZSTD_freeDStream)> stream(ZSTD_createDStream(), ZSTD_freeDStream);
  if (!stream) throw Error("libzstd: cannot start the decoder");
  ZSTD_initDStream(stream.get());
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  std::string out;
  std::array<char, kChunk> buffer{};
  for (;;) {
    ZSTD_outBuffer chunk{buffer.data(), buffer.size(), 0};
    size_t status = ZSTD_decompressStream(stream.get(), &chunk, &in);
    if (take(out, buffer.data(), chunk.pos, limit, enough)) break;
    if (ZSTD_isError(status) || status == 0) break;  // error, or the frame is complete
    if (chunk.pos == 0 && in.pos == in.size) break;
  }
  return result(std::move(out));
}

std::optional<std::string> bunzip2(std::string_view data, size_t limit, const EnoughOutput& enough) {
  bz_stream stream{};
  if (BZ2_bzDecompressInit(&stream, 0, 0) != BZ_OK) throw Error("libbz2: cannot start the decoder");
  std::unique_ptr<bz_stream, decltype(&BZ2_bzDecompressEnd)> guard(&stream, BZ2_bzDecompressEnd);
  stream.next_in = const_cast<char*>(data.data());
  stream.avail_in = clamp_uint(data.size());
  std::string out;
  std::array<char, kChunk> buffer{};
  for (;;) {
    stream.next_out = buffer.data();
    stream.avail_out = static_cast<unsigned>(buffer.size());
    int status = BZ2_bzDecompress(&stream);
    size_t produced = buffer.size() - stream.avail_out;
    if (take(out, buffer.data(), produced, limit, enough)) break;
    if (status != BZ_OK) break;  // BZ_STREAM_END or an error
    if (produced == 0 && stream.avail_in == 0) break;
  }
  return result(std::move(out));
}

// The kernel's lz4 is the legacy frame format, which libarchive reads.
std::optional<std::string> unlz4(std::string_view data, size_t limit, const EnoughOutput& enough) {
  std::unique_ptr<archive, decltype(&archive_read_free)> reader(archive_read_new(), archive_read_free);
  if (!reader) throw Error("libarchive: out of memory");
  archive* a = reader.get();
  archive_read_support_filter_lz4(a);
  archive_read_support_format_raw(a);
  archive_entry* entry = nullptr;
  if (archive_read_open_memory(a, data.data(), data.size()) != ARCHIVE_OK ||
      archive_read_next_header(a, &entry) != ARCHIVE_OK || archive_filter_code(a, 0) != ARCHIVE_FILTER_LZ4) {
    return std::nullopt;
  }
  std::string out;
  std::array<char, kChunk> buffer{};
  for (;;) {
    la_ssize_t got = archive_read_data(a, buffer.data(), buffer.size());
    if (got <= 0) break;
    if (take(out, buffer.data(), static_cast<size_t>(got), limit, enough)) break;
  }
  return result(std::move(out));
}

}  // namespace

std::optional<std::string> decompress_prefix(std::string_view data, size_t limit, const EnoughOutput& enough) {
  if (data.starts_with("\x1f\x8b")) return gunzip(data, limit, enough);
  if (data.starts_with(std::string_view("\xfd" "7zXZ\x00", 6))) return unxz(data, false, limit, enough);
  if (data.starts_with(std::string_view("\x5d\x00\x00", 3))) return unxz(data, true, limit, enough);
  if (data.starts_with("\x28\xb5\x2f\xfd")) return unzstd(data, limit, enough);
  if (data.starts_with("BZh")) return bunzip2(data, limit, enough);
  if (data.starts_with("\x02\x21\x4c\x18")) return unlz4(data, limit, enough);
  return std::nullopt;
}

}  // namespace bronze::kspp
