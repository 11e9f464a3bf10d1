// The kernel command line of an image: console, the KSPP hardening
// arguments, the platform's own, then what the user adds.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "imager/profile/platform.h"

namespace bronze::imager {

// kernel/cmdline/cmdline.yaml: the arguments every Bronze kernel boots with
// ("common") and per arch.
struct KernelArgs {
  std::vector<std::string> common;
  std::map<std::string, std::vector<std::string>> per_arch;
};
KernelArgs parse_kernel_args(const std::string& yaml_text, const std::string& file_name);

// console=... for each console (the last one is /dev/console), the kernel
// arguments, the platform's, bronze.platform=<name>, then `extra`.
std::vector<std::string> assemble_cmdline(const Platform& platform, const std::string& arch, const KernelArgs& kernel,
                                          const std::vector<std::string>& extra);

}  // namespace bronze::imager
