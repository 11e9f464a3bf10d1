// Fuzzes the machine config parser, which reads a file an operator wrote by
// hand or a node received over the API. Only bronze::Error may refuse; what
// parses must write and parse back to an equal config.

#include "machine_config/machine_config.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "base/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto config = bronze::config::parse_machine_config(text, "fuzz.yaml");
    std::string written = bronze::config::to_yaml(config);
    if (!(bronze::config::parse_machine_config(written, "written.yaml") == config)) std::abort();
  } catch (const bronze::Error&) {
  }
  return 0;
}
