// Fuzzes the image reference parser: an operator types the reference, and
// an upgrade request carries it over the API to machined, which builds the
// registry URL from it. Only bronze::Error may refuse; an accepted reference
// names a registry, a repository and a tag or digest, and its text form
// parses back to the same reference.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/error.h"
#include "registry/reference.h"
#include "tests/fuzz/require.h"

namespace {

using bronze::fuzz::require;

bool same(const bronze::registry::Reference& a, const bronze::registry::Reference& b) {
  return a.registry == b.registry && a.repository == b.repository && a.tag == b.tag && a.digest == b.digest;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  bronze::registry::Reference ref;
  try {
    ref = bronze::registry::parse_reference(text);
  } catch (const bronze::Error&) {
    return 0;
  }
  require(!ref.registry.empty() && !ref.repository.empty());
  require(!ref.tag.empty() || !ref.digest.empty());
  // Nothing in it can change the URL's shape.
  for (const std::string* part : {&ref.registry, &ref.repository, &ref.tag, &ref.digest}) {
    require(part->find_first_of("?#@%/ \\") == std::string::npos || part == &ref.repository);
  }
  require(ref.repository.find_first_of("?#@%: \\") == std::string::npos && ref.repository.find("..") == std::string::npos);
  require(same(bronze::registry::parse_reference(ref.str()), ref));
  require(ref.str() == text);
  return 0;
}
