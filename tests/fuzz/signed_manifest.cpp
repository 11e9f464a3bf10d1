// Fuzzes the signed manifest's parser. It runs after the signature check,
// but it is also the first thing to meet a manifest from a key we trust that
// was written by a newer or buggy build. Only bronze::Error may refuse; what
// parses must write and parse back to the same canonical text.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "base/error.h"
#include "signing/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto manifest = bronze::signing::Manifest::parse(text);
    std::string written = manifest.to_json();
    if (bronze::signing::Manifest::parse(written).to_json() != written) std::abort();
  } catch (const bronze::Error&) {
  }
  return 0;
}
