#include "node/machined/upgrade/new_installer.h"

#include <algorithm>
#include <set>

#include "base/error.h"

namespace bronze::machined {
namespace fs = std::filesystem;

namespace {

bool is_loader(const fs::path& p) { return p.filename().string().rfind("ld-linux", 0) == 0; }

bool is_library(const fs::path& p) { return p.filename().string().find(".so") != std::string::npos; }

}  // namespace

std::vector<std::string> new_installer_command(const fs::path& root) {
  fs::path installer = root / "bin/installer";
  if (!fs::is_regular_file(installer)) {
    throw Error("the installer image has no bin/installer; it is not a Bronze installer image");
  }
  std::string loader;
  std::set<std::string> library_dirs;  // sorted: the same image gives the same command
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || !is_library(entry.path())) continue;
    if (is_loader(entry.path()) && (loader.empty() || entry.path().string() < loader)) loader = entry.path().string();
    library_dirs.insert(entry.path().parent_path().string());
  }
  if (loader.empty()) {
    throw Error("the installer image carries no ELF loader (ld-linux*); build it with `imager installer`");
  }
  std::string path;
  for (const auto& dir : library_dirs) path += (path.empty() ? "" : ":") + dir;
  return {loader, "--library-path", path, installer.string()};
}

}  // namespace bronze::machined
