// The metal image for arm64 boots under qemu-system-aarch64 (TCG, the virt
// machine, Debian's AAVMF): GRUB's BOOTAA64.EFI loads slot A, init mounts the
// SquashFS root, machined (cross-built, with its arm64 libraries) prints the
// banner, runs its health checks, finds slot A committed and powers the VM
// off (bronze.test.poweroff), within a bounded time.

#include <gtest/gtest.h>

#include "base/files.h"
#include "base/subprocess.h"
#include "tests/support/arm64_image.h"
#include "tests/support/image_fixture.h"
#include "tests/support/qemu.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;
constexpr const char* kVersion = "v1.0.0-arm64";

class Arm64BootTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("bronze-arm64-boot-test");
    make_key_pair(dir_->path());
    run_checked(arm64_imager_argv("metal", dir_->path() / "out", kVersion, dir_->path() / "key.pem",
                                  {"bronze.test.poweroff"}));
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static TempDir* dir_;
};
TempDir* Arm64BootTest::dir_ = nullptr;

TEST_F(Arm64BootTest, MetalReachesTheBannerCommitsAndPowersOff) {
  fs::path disk = dir_->path() / "disk.raw";
  copy_sparse(dir_->path() / "out" / "metal-arm64.raw", disk);
  QemuRun run;
  run.arch = "arm64";
  run.firmware = Firmware::Uefi;
  run.disk = disk;
  run.memory_mib = 1024;
  run.serial_log = dir_->path() / "console.log";
  // AAVMF, GRUB and an emulated Cortex-A57 take a few times longer than amd64.
  run.timeout_seconds = 600;
  auto result = boot(run);
  const std::string& console = result.console;
  EXPECT_FALSE(result.timed_out) << "the arm64 boot did not power off within " << run.timeout_seconds << " s\n"
                                 << console_tail(console);
  EXPECT_EQ(result.exit_code, 0) << result.stderr_text;

  std::string banner = std::string("bronze ") + kVersion + " slot=A arch=arm64 platform=metal booted";
  EXPECT_NE(console.find(banner), std::string::npos) << "no banner on the console:\n" << console_tail(console);
  // A fresh disk has slot A committed already; machined's health checks
  // passed when it says so.
  std::string committed = std::string("bronze ") + kVersion + " slot=A already committed";
  EXPECT_NE(console.find(committed), std::string::npos) << console_tail(console);
  EXPECT_NE(console.find("machined: bronze.test.poweroff is set, powering off"), std::string::npos) << console_tail(console);
  EXPECT_NE(console.find("reboot: Power down"), std::string::npos) << console_tail(console);
  std::printf("arm64 UEFI boot to power-off: %.1f s\n", result.seconds);
}

}  // namespace
}  // namespace bronze::test
