// The metal image boots under QEMU through SeaBIOS and through OVMF: GRUB
// loads slot A, init mounts the SquashFS root, machined prints the banner and
// powers the VM off (bronze.test.poweroff), each within a bounded time.

#include <gtest/gtest.h>

#include "base/files.h"
#include "kernel/audit/kspp_audit.h"
#include "tests/support/image_fixture.h"
#include "tests/support/qemu.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;
constexpr const char* kVersion = "v1.0.0-boot";

class BootTest : public ::testing::TestWithParam<Firmware> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("bronze-boot-test");
    make_key_pair(dir_->path());
    build_image(dir_->path() / "out", kVersion, dir_->path() / "key.pem", {"bronze.test.poweroff"});
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static TempDir* dir_;
};
TempDir* BootTest::dir_ = nullptr;

TEST_P(BootTest, ReachesTheBannerAndPowersOff) {
  std::string name = firmware_name(GetParam());
  fs::path disk = dir_->path() / (name + ".raw");
  copy_sparse(dir_->path() / "out" / "metal-amd64.raw", disk);
  QemuRun run;
  run.disk = disk;
  run.firmware = GetParam();
  run.serial_log = dir_->path() / (name + ".log");
  run.timeout_seconds = 240;
  auto result = boot(run);
  std::string banner = std::string("bronze ") + kVersion + " slot=A arch=amd64 platform=metal booted";
  EXPECT_FALSE(result.timed_out) << name << " boot did not power off within " << run.timeout_seconds << " s\n"
                                 << result.console.substr(result.console.size() > 4000 ? result.console.size() - 4000 : 0);
  EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
  EXPECT_NE(result.console.find(banner), std::string::npos) << "no banner on the " << name << " console:\n"
                                                            << result.console.substr(result.console.size() > 4000 ? result.console.size() - 4000 : 0);
  EXPECT_NE(result.console.find("reboot: Power down"), std::string::npos) << name;
  // machined applied every KSPP sysctl that this kernel has.
  auto sysctls = kspp::recommended_sysctls(kspp::load_config(kernel_dir() / "config"), {});
  int applicable = 0;
  for (const auto& s : sysctls) {
    if (!s.applicable) continue;
    ++applicable;
    std::string line = "kspp sysctl " + s.name + "=" + s.value + " applied";
    EXPECT_NE(result.console.find(line), std::string::npos) << "missing: " << line;
  }
  EXPECT_GT(applicable, 10);
  EXPECT_NE(result.console.find("kspp sysctls: " + std::to_string(applicable) + " applied, 0 failed"), std::string::npos)
      << result.console.substr(result.console.size() > 4000 ? result.console.size() - 4000 : 0);
  std::printf("%s boot to power-off: %.1f s\n", name.c_str(), result.seconds);
}

INSTANTIATE_TEST_SUITE_P(Firmware, BootTest, ::testing::Values(Firmware::Bios, Firmware::Uefi),
                         [](const auto& param_info) { return std::string(firmware_name(param_info.param)); });

}  // namespace
}  // namespace bronze::test
