#include "kernel/audit/ikconfig.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <vector>

#include "base/error.h"
#include "base/files.h"
#include "kernel/audit/decompress.h"
#include "kernel/audit/kspp_audit.h"

namespace bronze::kspp {

namespace {

constexpr std::string_view kStartMarker = "IKCFG_ST";
constexpr std::string_view kEndMarker = "IKCFG_ED";
// A decompressed kernel is tens of MiB; nothing we look for lies beyond this.
constexpr size_t kPayloadLimit = size_t{512} << 20;
// The config itself is a few hundred KiB of text.
constexpr size_t kConfigLimit = size_t{16} << 20;
// Magic bytes are common in compressed data; give up after this many tries.
constexpr size_t kMaxCandidates = 512;

// The gzip blob between the markers at `start`, decompressed; nullopt when it
// is not a valid config.
std::optional<std::string> config_at_marker(std::string_view image, size_t start) {
  size_t blob = start + kStartMarker.size();
  size_t end = image.find(kEndMarker, blob);
  if (end == std::string_view::npos) return std::nullopt;
  auto text = decompress_prefix(image.substr(blob, end - blob), kConfigLimit);
  if (!text || !looks_like_config(*text)) return std::nullopt;
  return text;
}

// Every "IKCFG_ST" in `image`, first to last, until one yields a config.
std::optional<std::string> config_between_markers(std::string_view image) {
  for (size_t at = image.find(kStartMarker); at != std::string_view::npos; at = image.find(kStartMarker, at + 1)) {
    if (auto text = config_at_marker(image, at)) return text;
  }
  return std::nullopt;
}

bool holds_whole_config(const std::string& out) {
  size_t start = out.find(kStartMarker);
  return start != std::string::npos && out.find(kEndMarker, start) != std::string::npos;
}

uint32_t read_le32(std::string_view data, size_t offset) {
  uint32_t value = 0;
  for (size_t i = 0; i < 4; ++i) value |= static_cast<uint32_t>(static_cast<unsigned char>(data[offset + i])) << (8 * i);
  return value;
}

// An x86 bzImage says where its compressed payload is: the setup header
// ("HdrS" at 0x202) gives the setup size and the payload offset within the
// protected-mode part.
std::optional<size_t> bzimage_payload_offset(std::string_view image) {
  if (image.size() < 0x250 || image.substr(0x202, 4) != "HdrS") return std::nullopt;
  size_t setup_sectors = static_cast<unsigned char>(image[0x1f1]);
  if (setup_sectors == 0) setup_sectors = 4;
  size_t offset = (setup_sectors + 1) * 512 + read_le32(image, 0x248);
  if (offset >= image.size()) return std::nullopt;
  return offset;
}

// Offsets where a compressed stream may start, in file order.
std::vector<size_t> compressed_stream_candidates(std::string_view image) {
  static const std::array<std::string_view, 6> kMagics = {
      std::string_view("\x1f\x8b\x08", 3),              // gzip
      std::string_view("\xfd\x37\x7a\x58\x5a\x00", 6),  // xz
      std::string_view("\x28\xb5\x2f\xfd", 4),          // zstd
      std::string_view("BZh", 3),                       // bzip2
      std::string_view("\x02\x21\x4c\x18", 4),          // lz4 (legacy frame, as the kernel uses)
      std::string_view("\x5d\x00\x00", 3),              // lzma ("alone" format)
  };
  std::vector<size_t> offsets;
  for (auto magic : kMagics) {
    for (size_t at = image.find(magic); at != std::string_view::npos && offsets.size() < 4 * kMaxCandidates;
         at = image.find(magic, at + 1)) {
      offsets.push_back(at);
    }
  }
  std::sort(offsets.begin(), offsets.end());
  return offsets;
}

}  // namespace

bool looks_like_config(std::string_view data) {
  std::string_view head = data.substr(0, 64 * 1024);
  if (head.find('\0') != std::string_view::npos) return false;
  return head.starts_with("CONFIG_") || head.find("\nCONFIG_") != std::string_view::npos ||
         head.starts_with("# CONFIG_") || head.find("\n# CONFIG_") != std::string_view::npos;
}

std::optional<std::string> extract_ikconfig(std::string_view image) {
  if (auto text = config_between_markers(image)) return text;

  std::vector<size_t> candidates;
  if (auto payload = bzimage_payload_offset(image)) candidates.push_back(*payload);
  auto scanned = compressed_stream_candidates(image);
  candidates.insert(candidates.end(), scanned.begin(), scanned.end());

  size_t tried = 0;
  for (size_t offset : candidates) {
    if (++tried > kMaxCandidates) break;
    auto payload = decompress_prefix(image.substr(offset), kPayloadLimit, holds_whole_config);
    if (!payload) continue;
    if (auto text = config_between_markers(*payload)) return text;
  }
  return std::nullopt;
}

KernelConfig load_config(const std::filesystem::path& config_or_kernel) {
  std::error_code ec;
  if (!std::filesystem::exists(config_or_kernel, ec)) throw Error(config_or_kernel.string() + ": no such file");
  if (!std::filesystem::is_regular_file(config_or_kernel, ec)) {
    throw Error(config_or_kernel.string() + ": not a regular file");
  }
  const std::string data = read_file(config_or_kernel);
  if (looks_like_config(data)) return KernelConfig::parse(data);
  // A gzip-compressed .config, as /proc/config.gz holds it.
  if (auto text = decompress_prefix(data, kConfigLimit); text && looks_like_config(*text)) {
    return KernelConfig::parse(*text);
  }
  if (auto text = extract_ikconfig(data)) return KernelConfig::parse(*text);
  throw Error(config_or_kernel.string() +
              ": neither a kernel .config nor a kernel image with an embedded config "
              "(the kernel must be built with CONFIG_IKCONFIG=y)");
}

}  // namespace bronze::kspp
