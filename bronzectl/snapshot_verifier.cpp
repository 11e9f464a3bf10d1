#include "bronzectl/snapshot_verifier.h"

#include "base/error.h"

namespace bronze::ctl {

namespace {

constexpr size_t kHashSize = 32;
constexpr uint64_t kSector = 512;

std::string hex(std::string_view bytes) { return to_hex(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()); }

}  // namespace

void SnapshotVerifier::add(std::string_view piece) {
  size_ += piece.size();
  tail_.append(piece);
  if (tail_.size() > kHashSize) {
    size_t settled = tail_.size() - kHashSize;
    hash_.update(std::string_view(tail_).substr(0, settled));
    tail_.erase(0, settled);
  }
}

std::string SnapshotVerifier::finish() {
  if (size_ <= kHashSize || size_ % kSector != kHashSize) {
    throw Error("not an etcd snapshot with its integrity hash: " + std::to_string(size_) +
                " bytes, where etcd sends a database of whole 512-byte sectors followed by its 32-byte sha256");
  }
  std::string computed = hash_.hex_digest();
  std::string sent = hex(tail_);
  if (computed != sent) {
    throw Error("the etcd snapshot is damaged: its trailing sha256 is " + sent + ", but the database hashes to " +
                computed);
  }
  return computed;
}

}  // namespace bronze::ctl
