// Fuzzes the WWW-Authenticate parser, which reads a header a registry (or
// anything answering in its place) chooses. It must end, throw only
// bronze::Error, and give a realm whenever it accepts a Bearer challenge.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/error.h"
#include "registry/www_authenticate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view header(reinterpret_cast<const char*>(data), size);
  try {
    auto challenge = bronze::registry::parse_bearer_challenge(header);
    if (challenge && challenge->realm.empty()) std::abort();
    // Parsing is a function of the text alone.
    auto again = bronze::registry::parse_bearer_challenge(header);
    if (challenge.has_value() != again.has_value()) std::abort();
    if (challenge && (challenge->realm != again->realm || challenge->service != again->service ||
                      challenge->scope != again->scope)) {
      std::abort();
    }
  } catch (const bronze::Error&) {
  }
  return 0;
}
