#include "disk/meta/meta.h"

#include <cstring>

#include "base/error.h"
#include "base/files.h"
#include "base/sha256.h"

namespace bronze::disk {

namespace {

constexpr std::string_view kMagic = "BRZMETA1";
constexpr size_t kHeaderSize = 8 + 8 + 4 + 4 + 32;

void put_le(std::string& b, size_t at, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) b[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
uint64_t get_le(std::string_view b, size_t at, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(b[at + i])) << (8 * i);
  return v;
}

}  // namespace

std::string encode_meta_copy(const MetaStore& store) {
  std::string payload;
  for (const auto& [k, v] : store.values) {
    if (k.empty() || k.find_first_of("=\n") != std::string::npos || v.find('\n') != std::string::npos) {
      throw Error("META key '" + k + "' or its value holds '=' or a newline");
    }
    payload += k + "=" + v + "\n";
  }
  if (kHeaderSize + payload.size() > kMetaCopySize) throw Error("META store is larger than one copy");
  std::string header(kHeaderSize, '\0');
  std::memcpy(header.data(), kMagic.data(), kMagic.size());
  put_le(header, 8, store.sequence, 8);
  put_le(header, 16, payload.size(), 4);
  std::string digest_input = header + payload;
  std::string digest = sha256_hex(digest_input);
  for (size_t i = 0; i < 32; ++i) header[24 + i] = static_cast<char>(std::stoi(digest.substr(2 * i, 2), nullptr, 16));
  std::string copy = header + payload;
  copy.resize(kMetaCopySize, '\0');
  return copy;
}

std::optional<MetaStore> decode_meta_copy(std::string_view copy) {
  if (copy.size() < kHeaderSize || copy.substr(0, kMagic.size()) != kMagic) return std::nullopt;
  uint64_t length = get_le(copy, 16, 4);
  if (kHeaderSize + length > copy.size()) return std::nullopt;
  std::string header(copy.substr(0, kHeaderSize));
  std::string stored_digest = header.substr(24, 32);
  std::fill(header.begin() + 24, header.end(), '\0');
  std::string payload(copy.substr(kHeaderSize, length));
  std::string digest = sha256_hex(header + payload);
  for (size_t i = 0; i < 32; ++i) {
    if (static_cast<char>(std::stoi(digest.substr(2 * i, 2), nullptr, 16)) != stored_digest[i]) return std::nullopt;
  }
  MetaStore store;
  store.sequence = get_le(copy, 8, 8);
  size_t pos = 0;
  while (pos < payload.size()) {
    size_t eol = payload.find('\n', pos);
    if (eol == std::string::npos) return std::nullopt;
    std::string line = payload.substr(pos, eol - pos);
    pos = eol + 1;
    size_t eq = line.find('=');
    if (eq == std::string::npos) return std::nullopt;
    store.values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return store;
}

static std::optional<MetaStore> read_copy(const std::filesystem::path& disk, const Partition& meta, int index) {
  return decode_meta_copy(read_at(disk, meta.start + static_cast<uint64_t>(index) * kMetaCopySize, kMetaCopySize));
}

MetaStore read_meta(const std::filesystem::path& disk, const Partition& meta) {
  auto first = read_copy(disk, meta, 0);
  auto second = read_copy(disk, meta, 1);
  if (first && (!second || first->sequence >= second->sequence)) return *first;
  if (second) return *second;
  return MetaStore{};
}

void write_meta(DiskWriter& disk, const Partition& meta, MetaStore store) {
  auto first = read_copy(disk.disk(), meta, 0);
  auto second = read_copy(disk.disk(), meta, 1);
  uint64_t newest = std::max(first ? first->sequence : 0, second ? second->sequence : 0);
  // Overwrite the copy that is not the newest valid one.
  int target = (first && (!second || first->sequence >= second->sequence)) ? 1 : 0;
  store.sequence = newest + 1;
  // Only the header and the payload, in whole 4 KiB blocks: what follows is
  // outside the digest and never read, so an update costs kilobytes, not the
  // copy's 512 KiB.
  std::string copy = encode_meta_copy(store);
  uint64_t used = kHeaderSize + get_le(copy, 16, 4);
  copy.resize(static_cast<size_t>((used + 4095) / 4096 * 4096));
  disk.write(meta.start + static_cast<uint64_t>(target) * kMetaCopySize, copy);
}

void init_meta(DiskWriter& disk, const Partition& meta, MetaStore store) {
  if (meta.size < 2 * kMetaCopySize) throw Error("META partition is smaller than two copies");
  store.sequence = 1;
  disk.write(meta.start, encode_meta_copy(store));
  disk.write(meta.start + kMetaCopySize, encode_meta_copy(store));
}

}  // namespace bronze::disk
