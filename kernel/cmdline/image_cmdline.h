// The kernel command line of an image: console, the KSPP hardening
// arguments of kernel/cmdline/cmdline.yaml, the platform's own, then what the
// user adds. The imager assembles it; the slot's signed manifest carries it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <map>

namespace bronze {

// kernel/cmdline/cmdline.yaml: the arguments every Bronze kernel boots with
// ("common") and per arch.
struct KernelArgs {
  std::vector<std::string> common;
  std::map<std::string, std::vector<std::string>> per_arch;
};
KernelArgs parse_kernel_args(const std::string& yaml_text, const std::string& file_name);

// What a platform adds (platforms/<name>.yaml).
struct PlatformArgs {
  std::string name;
  std::map<std::string, std::vector<std::string>> consoles;  // by arch; the last one is /dev/console
  std::vector<std::string> args;
};

// console=... for each console of `arch`, the kernel arguments, the
// platform's, bronze.platform=<name>, then `extra`.
std::vector<std::string> assemble_cmdline(const PlatformArgs& platform, const std::string& arch,
                                          const KernelArgs& kernel, const std::vector<std::string>& extra);

}  // namespace bronze
