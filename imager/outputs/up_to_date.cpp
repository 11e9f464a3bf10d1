#include "imager/outputs/up_to_date.h"

#include "base/files.h"
#include "base/sha256.h"

namespace bronze::imager {
namespace fs = std::filesystem;

std::string stamp_record(const std::string& stamp, const std::optional<fs::path>& manifest) {
  if (!manifest) return stamp;
  return stamp + "\nmanifest " + sha256_file_hex(*manifest);
}

bool outputs_current(const fs::path& stamp_file, const std::string& stamp, const std::vector<fs::path>& paths,
                     const std::optional<fs::path>& manifest) {
  if (!fs::exists(stamp_file)) return false;
  for (const auto& p : paths) {
    if (!fs::exists(p)) return false;
  }
  if (manifest && !fs::exists(*manifest)) return false;
  return read_file(stamp_file) == stamp_record(stamp, manifest);
}

}  // namespace bronze::imager
