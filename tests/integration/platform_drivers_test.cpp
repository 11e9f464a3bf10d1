// The project's kernels against what each platform hands a guest: every
// driver a platforms/*.yaml names is built in (`=y` in the config, and its
// module in modules.builtin), for every arch the platform has. Devices QEMU
// cannot emulate (ENA, gVNIC, Hyper-V, mlx5) are checked only this way; the
// others also boot in tests/e2e/device_models_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "base/files.h"
#include "imager/inputs/kernel_drivers_check.h"
#include "imager/profile/platform.h"
#include "kernel/audit/kspp_audit.h"
#include "tests/support/arm64_image.h"
#include "tests/support/image_fixture.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;

// "kernel/drivers/net/ethernet/amazon/ena/ena.ko" -> "ena"; '-' and '_' are
// the same in module names.
std::set<std::string> builtin_modules(const fs::path& kernel_folder) {
  std::set<std::string> names;
  std::istringstream lines(read_file(kernel_folder / "modules.builtin"));
  for (std::string line; std::getline(lines, line);) {
    std::string name = fs::path(line).stem().string();
    std::replace(name.begin(), name.end(), '-', '_');
    names.insert(name);
  }
  return names;
}

void check_kernel(const fs::path& kernel_folder, const std::string& arch) {
  auto config = kspp::load_config(kernel_folder / "config");
  auto modules = builtin_modules(kernel_folder);
  ASSERT_GT(modules.size(), 20u) << "modules.builtin of " << kernel_folder << " looks empty";
  fs::path platforms = fs::path(BRONZE_SOURCE_DIR) / "platforms";
  int checked = 0;
  for (const auto& name : imager::list_platforms(platforms)) {
    imager::Platform p = imager::load_platform(platforms, name);
    if (!p.supports(arch)) continue;
    for (const auto& d : imager::missing_drivers(config, p, arch)) {
      ADD_FAILURE() << arch << " kernel lacks CONFIG_" << d.option << ", which " << name << " needs for " << d.purpose;
    }
    for (const auto& d : p.drivers_for(arch)) {
      ++checked;
      if (d.module.empty()) continue;
      std::string module = d.module;
      std::replace(module.begin(), module.end(), '-', '_');
      EXPECT_TRUE(modules.count(module)) << arch << " kernel's modules.builtin has no " << d.module << " (CONFIG_"
                                         << d.option << ", " << name << ": " << d.purpose << ")";
    }
  }
  EXPECT_GT(checked, 30) << "too few platform drivers checked for " << arch;
}

TEST(PlatformDrivers, TheAmd64KernelBuildsInEveryPlatformsDrivers) { check_kernel(kernel_dir(), "amd64"); }

TEST(PlatformDrivers, TheArm64KernelBuildsInEveryPlatformsDrivers) { check_kernel(arm64_kernel_image().parent_path(), "arm64"); }

// The goal the drivers must fit in, for the kernel file the disk carries:
// the amd64 bzImage, and the arm64 Image.gz that GRUB inflates (the
// uncompressed Image is 13 MB and more).
TEST(PlatformDrivers, TheAmd64KernelStaysUnder12MB) {
  EXPECT_LT(fs::file_size(kernel_dir() / "vmlinuz"), 12u * 1000 * 1000);
}

TEST(PlatformDrivers, TheArm64KernelStaysUnder12MB) {
  fs::path kernel = arm64_kernel_image();
  std::string head = read_file(kernel).substr(0, 2);
  EXPECT_EQ(head, "\x1f\x8b") << kernel << " is not the gzip'd Image that disks carry";
  EXPECT_LT(fs::file_size(kernel), 12u * 1000 * 1000);
}

}  // namespace
}  // namespace bronze::test
