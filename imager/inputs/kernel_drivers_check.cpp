#include "imager/inputs/kernel_drivers_check.h"

#include "base/error.h"
#include "kernel/audit/kspp_audit.h"

namespace bronze::imager {

std::vector<KernelDriver> missing_drivers(const kspp::KernelConfig& config, const Platform& platform,
                                          const std::string& arch) {
  std::vector<KernelDriver> missing;
  for (const auto& driver : platform.drivers_for(arch)) {
    if (config.raw(driver.option) != "y") missing.push_back(driver);
  }
  return missing;
}

void check_kernel_drivers(const std::filesystem::path& kernel, const Platform& platform, const std::string& arch) {
  auto missing = missing_drivers(kspp::load_config(kernel), platform, arch);
  if (missing.empty()) return;
  std::string list;
  for (const auto& d : missing) list += "\n  CONFIG_" + d.option + " (" + d.purpose + ")";
  throw Error("the kernel " + kernel.string() + " does not build in " + std::to_string(missing.size()) +
              " driver(s) that " + platform.name + " guests need on " + arch + ":" + list +
              "\nUse the project's kernel (make kernel ARCH=" + arch +
              "), or add them to kernel/config/drivers*.config; a platform's image must find its own disks and NICs.");
}

}  // namespace bronze::imager
