// The drivers a platform's guests need (platforms/<name>.yaml,
// kernel_drivers), checked against the config the kernel carries (IKCONFIG):
// an image named for a platform must find that platform's disks and NICs.
// Every driver is built in (no modules), so each must be `=y`
// (docs/DESIGN.md decision 17).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "imager/profile/platform.h"
#include "kernel/audit/kernel_config.h"

namespace bronze::imager {

// The drivers of `platform` for `arch` that `config` does not build in.
std::vector<KernelDriver> missing_drivers(const kspp::KernelConfig& config, const Platform& platform,
                                          const std::string& arch);

// Throws an Error naming every missing driver, what the platform needs it
// for, and what to do.
void check_kernel_drivers(const std::filesystem::path& kernel, const Platform& platform, const std::string& arch);

}  // namespace bronze::imager
