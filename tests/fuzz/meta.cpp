// Fuzzes the decoding of a META copy: the partition outlives every slot, a
// power cut can tear a copy, and the node trusts what decodes. Input: one
// copy. Each input is decoded as it is, and with its digest made right so
// that mutations reach the payload's parser. What decodes must encode
// (when the encoder accepts it) back to a copy that decodes the same, and
// the node's records are read from it (NodeState::from_meta) the way
// BronzeDisk::open reads them: only bronze::Error may refuse.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "base/error.h"
#include "base/sha256.h"
#include "disk/meta/meta.h"
#include "disk/meta/node_state.h"
#include "tests/fuzz/require.h"

namespace {

using namespace bronze::disk;

constexpr size_t kHeaderSize = 56;  // magic, sequence, length, zero, sha256

using bronze::fuzz::require;

// The digest over the header (digest zeroed) and the payload its length
// field names, as encode_meta_copy computes it.
bool fix_digest(std::string& copy) {
  if (copy.size() < kHeaderSize) return false;
  uint64_t length = 0;
  for (size_t i = 0; i < 4; ++i) length |= static_cast<uint64_t>(static_cast<uint8_t>(copy[16 + i])) << (8 * i);
  if (length > copy.size() - kHeaderSize) return false;
  std::string input = copy.substr(0, kHeaderSize + length);
  std::fill(input.begin() + 24, input.begin() + 56, '\0');
  std::string hex = bronze::sha256_hex(input);
  for (size_t i = 0; i < 32; ++i) copy[24 + i] = static_cast<char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  return true;
}

void decode(const std::string& copy) {
  auto store = decode_meta_copy(copy);
  if (!store) return;
  try {
    NodeState node = NodeState::from_meta(*store);
    NodeState again = NodeState::from_meta(node.to_meta());
    require(again.state1_offsets == node.state1_offsets && again.state2_offsets == node.state2_offsets &&
            again.tally_offsets == node.tally_offsets && again.pending_version == node.pending_version);
  } catch (const bronze::Error&) {
  }
  std::string encoded;
  try {
    encoded = encode_meta_copy(*store);
  } catch (const bronze::Error&) {
    return;
  }
  auto again = decode_meta_copy(encoded);
  require(again && again->sequence == store->sequence && again->values == store->values);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string copy(reinterpret_cast<const char*>(data), size);
  decode(copy);
  if (fix_digest(copy)) decode(copy);
  return 0;
}
