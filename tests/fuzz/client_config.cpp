// Fuzzes the client config parser: bronzectl reads the file a user was
// handed (or edited), and `gen config` checks the one it writes. Only
// bronze::Error may refuse; what parses must write and parse back to an
// equal config.

#include "client_config/client_config.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "base/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto config = bronze::config::parse_client_config(text, "bronzeconfig");
    std::string written = bronze::config::to_yaml(config);
    if (!(bronze::config::parse_client_config(written, "written") == config)) std::abort();
    // The context it names exists.
    if (config.contexts.count(config.context) != 1) std::abort();
  } catch (const bronze::Error&) {
  }
  return 0;
}
