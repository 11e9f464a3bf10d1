// The check etcdctl makes of an etcd snapshot before it restores one: etcd's
// Maintenance.Snapshot stream is the backend database (a whole number of
// 512-byte sectors) followed by the sha256 of it, 32 bytes. Fed the stream
// piece by piece, so a snapshot of any size is checked as it is written.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/sha256.h"

namespace bronze::ctl {

class SnapshotVerifier {
 public:
  void add(std::string_view piece);
  // Throws bronze::Error saying what is wrong: too short, not shaped like a
  // database and its hash, or a hash that does not match. Returns the
  // database's sha256 (hex) when it matches.
  std::string finish();
  uint64_t size() const { return size_; }

 private:
  Sha256 hash_;
  // The last bytes seen: the trailing hash once the stream ends. Everything
  // before them is hashed.
  std::string tail_;
  uint64_t size_ = 0;
};

}  // namespace bronze::ctl
