// Fuzzes the layer path rules, the guard between a hostile layer and the
// disk. Input: entry name, NUL, symlink target, NUL, then "link=target"
// lines for the layer's other symlinks. An accepted name must be free of
// "..", absolute paths and empty components; resolution must terminate.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/error.h"
#include "installer_image/layer_paths.h"
#include "tests/fuzz/require.h"

namespace {

using bronze::fuzz::require;

void check_normalized(const std::string& path) {
  if (path.empty()) return;
  require(path.front() != '/' && path.back() != '/');
  require(path.find("//") == std::string::npos);
  require(path != ".." && path.rfind("../", 0) != 0 && path.find("/../") == std::string::npos &&
          (path.size() < 3 || path.compare(path.size() - 3, 3, "/..") != 0));
  // Normalizing is idempotent.
  require(bronze::oci::normalize_layer_path(path) == path);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t first = input.find('\0');
  std::string_view name = input.substr(0, first);
  std::string_view target;
  std::string_view rest;
  if (first != std::string_view::npos) {
    std::string_view after = input.substr(first + 1);
    size_t second = after.find('\0');
    target = after.substr(0, second);
    if (second != std::string_view::npos) rest = after.substr(second + 1);
  }

  std::string link;
  try {
    link = bronze::oci::normalize_layer_path(name);
    check_normalized(link);
  } catch (const bronze::Error&) {
    return 0;
  }
  bronze::oci::SymlinkMap symlinks;
  while (!rest.empty()) {
    size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    size_t eq = line.find('=');
    if (eq != std::string_view::npos) {
      try {
        symlinks.emplace(bronze::oci::normalize_layer_path(line.substr(0, eq)), std::string(line.substr(eq + 1)));
      } catch (const bronze::Error&) {
      }
    }
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  symlinks.emplace(link, std::string(target));
  auto result = bronze::oci::resolve_symlink(link, target, symlinks);
  if (!target.empty() && target.front() == '/') require(result == bronze::oci::LinkResolution::kEscapes);
  return 0;
}
