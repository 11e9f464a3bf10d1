// A platform file (platforms/<name>.yaml): what an image for one platform
// looks like. Data, not code, the way Talos's imager profiles are.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace bronze::imager {

struct Platform {
  std::string name;
  std::vector<std::string> arches;
  std::map<std::string, std::vector<std::string>> consoles;  // arch -> console= values
  std::vector<std::string> kernel_args;
  uint64_t disk_size = 0;
  uint64_t boot_size = 0;
  std::string format;                // the default output format
  std::vector<std::string> formats;  // every format the platform takes (format first)
  // KSPP rules this platform accepts failing: option -> written reason.
  std::map<std::string, std::string> kspp_exceptions;

  bool supports(const std::string& arch) const;
};

// Parses a platform file strictly: unknown keys, wrong types and missing
// fields are errors naming the file, line and column.
Platform parse_platform(const std::string& yaml_text, const std::string& file_name);

// Loads <dir>/<name>.yaml; an unknown name lists the platforms there.
Platform load_platform(const std::filesystem::path& dir, const std::string& name);

std::vector<std::string> list_platforms(const std::filesystem::path& dir);

}  // namespace bronze::imager
