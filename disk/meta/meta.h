// META: a small key/value store in its own partition (docs/DESIGN.md), for what
// must survive reboots but is not part of any slot: the last failed upgrade,
// the node's upgrade history. Two copies, each with a sequence number and a
// SHA-256 over its contents; a writer overwrites the older copy and flushes,
// so a power cut leaves the other one intact.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "disk/partitions/disk_writer.h"
#include "disk/partitions/layout.h"

namespace bronze::disk {

constexpr uint64_t kMetaCopySize = 512 * 1024;

struct MetaStore {
  uint64_t sequence = 0;
  std::map<std::string, std::string> values;
};

// One copy: "BRZMETA1", u64 sequence, u32 payload length, u32 zero,
// sha256(header with a zero digest + payload), payload of "key=value\n".
std::string encode_meta_copy(const MetaStore& store);
std::optional<MetaStore> decode_meta_copy(std::string_view copy);

// Reads both copies of the META partition and returns the newer valid one
// (an empty store when neither is valid).
MetaStore read_meta(const std::filesystem::path& disk, const Partition& meta);
// Writes `store` with the next sequence number over the older copy.
void write_meta(DiskWriter& disk, const Partition& meta, MetaStore store);
// Writes two valid copies of `store`.
void init_meta(DiskWriter& disk, const Partition& meta, MetaStore store = {});

}  // namespace bronze::disk
