// A platform file (platforms/<name>.yaml): what an image for one platform
// looks like. Data, not code, the way Talos's imager profiles are.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace bronze::imager {

// A driver the platform's guests need built into the kernel: the Kconfig
// option (without CONFIG_), the module it would be (as modules.builtin names
// it; empty for a plain bool option), the one arch it is for (empty: every
// arch), and what the platform hands the guest that needs it.
struct KernelDriver {
  std::string option;
  std::string module;
  std::string arch;
  std::string purpose;
  bool operator==(const KernelDriver&) const = default;
};

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
  // The disk, network, console and clock drivers its guests need.
  std::vector<KernelDriver> kernel_drivers;

  bool supports(const std::string& arch) const;
  std::vector<KernelDriver> drivers_for(const std::string& arch) const;
};

// Parses a platform file strictly: unknown keys, wrong types and missing
// fields are errors naming the file, line and column.
Platform parse_platform(const std::string& yaml_text, const std::string& file_name);

// Loads <dir>/<name>.yaml; an unknown name lists the platforms there.
Platform load_platform(const std::filesystem::path& dir, const std::string& name);

std::vector<std::string> list_platforms(const std::filesystem::path& dir);

}  // namespace bronze::imager
