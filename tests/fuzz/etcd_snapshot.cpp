// Fuzzes the check of an etcd snapshot stream (bronzectl etcd snapshot),
// whose bytes come from the node and etcd. The first byte cuts the input
// into pieces of that size, as the stream arrives in chunks; only
// bronze::Error may refuse, and the verdict must not depend on the pieces.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/error.h"
#include "bronzectl/snapshot_verifier.h"

namespace {

std::string verdict(std::string_view stream, size_t piece) {
  bronze::ctl::SnapshotVerifier verifier;
  for (size_t at = 0; at < stream.size(); at += piece) verifier.add(stream.substr(at, piece));
  try {
    return "ok " + verifier.finish();
  } catch (const bronze::Error& e) {
    return e.what();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t piece = data[0] == 0 ? 1 : data[0];
  std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (verdict(stream, piece) != verdict(stream, stream.size() + 1)) std::abort();
  return 0;
}
