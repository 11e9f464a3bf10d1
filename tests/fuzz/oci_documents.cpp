// Fuzzes the OCI index, manifest and config parsers, which see an archive's
// JSON before anything in it is trusted. Only bronze::Error is an accepted
// way to refuse; any other exception, crash or sanitizer report is a bug.
// What parses must survive writing and parsing again unchanged.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/error.h"
#include "installer_image/documents.h"
#include "tests/fuzz/require.h"

namespace {

using namespace bronze::oci;

using bronze::fuzz::require;

void fuzz_index(std::string_view text) {
  try {
    ImageIndex index = parse_index(text);
    std::string written = to_json(index);
    require(to_json(parse_index(written)) == written);
  } catch (const bronze::Error&) {
  }
}

void fuzz_manifest(std::string_view text) {
  try {
    ImageManifest manifest = parse_manifest(text);
    for (const auto& layer : manifest.layers) require(layer.hex().size() == 64);
    std::string written = to_json(manifest);
    require(to_json(parse_manifest(written)) == written);
  } catch (const bronze::Error&) {
  }
}

void fuzz_config(std::string_view text) {
  try {
    ImageConfig config = parse_config(text);
    std::string written = to_json(config, "1970-01-01T00:00:00Z");
    require(to_json(parse_config(written), "1970-01-01T00:00:00Z") == written);
  } catch (const bronze::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz_index(text);
  fuzz_manifest(text);
  fuzz_config(text);
  try {
    check_digest(text, "fuzz");
  } catch (const bronze::Error&) {
  }
  return 0;
}
