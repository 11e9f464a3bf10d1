#include "imager/inputs/kernel_drivers_check.h"

#include <gtest/gtest.h>

namespace bronze::imager {
namespace {

Platform platform_with(std::vector<KernelDriver> drivers) {
  Platform p;
  p.name = "aws";
  p.arches = {"amd64", "arm64"};
  p.kernel_drivers = std::move(drivers);
  return p;
}

TEST(KernelDrivers, BuiltInDriversPass) {
  auto config = kspp::KernelConfig::parse("CONFIG_BLK_DEV_NVME=y\nCONFIG_ENA_ETHERNET=y\n");
  auto p = platform_with({{"BLK_DEV_NVME", "nvme", "", "disks"}, {"ENA_ETHERNET", "ena", "", "NIC"}});
  EXPECT_TRUE(missing_drivers(config, p, "amd64").empty());
}

TEST(KernelDrivers, AbsentOffOrModularDriversAreMissing) {
  // Bronze kernels load no modules: "=m" is as good as absent.
  auto config = kspp::KernelConfig::parse("CONFIG_BLK_DEV_NVME=m\n# CONFIG_GVE is not set\n");
  auto p = platform_with({{"BLK_DEV_NVME", "nvme", "", "disks"}, {"ENA_ETHERNET", "ena", "", "NIC"}, {"GVE", "gve", "", "gVNIC"}});
  auto missing = missing_drivers(config, p, "amd64");
  ASSERT_EQ(missing.size(), 3u);
  EXPECT_EQ(missing[0].option, "BLK_DEV_NVME");
  EXPECT_EQ(missing[1].option, "ENA_ETHERNET");
  EXPECT_EQ(missing[2].option, "GVE");
}

TEST(KernelDrivers, ADriverForOneArchIsCheckedOnlyThere) {
  auto config = kspp::KernelConfig::parse("CONFIG_BLK_DEV_NVME=y\n");
  auto p = platform_with({{"BLK_DEV_NVME", "nvme", "", "disks"}, {"IXGBEVF", "ixgbevf", "amd64", "the 82599 VF"}});
  EXPECT_TRUE(missing_drivers(config, p, "arm64").empty());
  ASSERT_EQ(missing_drivers(config, p, "amd64").size(), 1u);
}

}  // namespace
}  // namespace bronze::imager
