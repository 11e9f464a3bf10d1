// The ISO boots under QEMU as a CD through SeaBIOS and through OVMF, and as
// a USB stick would (the hybrid MBR, the ISO as a plain disk) through
// SeaBIOS: GRUB loads the live entry, init mounts the SquashFS root from the
// initramfs, and machined, finding no slot and no disk of ours, stays in
// maintenance mode, then powers the VM off (bronze.test.poweroff).

#include <gtest/gtest.h>

#include "base/files.h"
#include "tests/support/image_fixture.h"
#include "tests/support/qemu.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;
constexpr const char* kVersion = "v1.0.0-iso";

enum class Medium { Cd, UsbDisk };

struct IsoBoot {
  Firmware firmware;
  Medium medium;
};

std::string boot_name(const IsoBoot& b) {
  return std::string(firmware_name(b.firmware)) + (b.medium == Medium::Cd ? "_CD" : "_Disk");
}

class IsoBootTest : public ::testing::TestWithParam<IsoBoot> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("bronze-iso-boot-test");
    make_key_pair(dir_->path());
    auto argv = imager_build_argv("metal", dir_->path() / "out", kVersion, dir_->path() / "key.pem", {"bronze.test.poweroff"});
    argv.insert(argv.end(), {"--output", "iso"});
    run_checked(argv);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static TempDir* dir_;
};
TempDir* IsoBootTest::dir_ = nullptr;

TEST_P(IsoBootTest, BootsLiveIntoMaintenanceModeAndPowersOff) {
  std::string name = boot_name(GetParam());
  // A copy per run: a machine may write to what it sees as a disk.
  fs::path iso = dir_->path() / (name + ".iso");
  fs::copy_file(dir_->path() / "out" / "metal-amd64.iso", iso);
  QemuRun run;
  run.firmware = GetParam().firmware;
  if (GetParam().medium == Medium::Cd) {
    run.cdrom = iso;
  } else {
    run.disk = iso;
  }
  run.serial_log = dir_->path() / (name + ".log");
  run.timeout_seconds = 300;
  auto result = boot(run);
  const std::string& console = result.console;
  EXPECT_FALSE(result.timed_out) << name << " did not power off within " << run.timeout_seconds << " s\n" << console_tail(console);
  EXPECT_EQ(result.exit_code, 0) << result.stderr_text;

  std::string banner = std::string("bronze ") + kVersion + " slot=live arch=amd64 platform=metal booted";
  EXPECT_NE(console.find(banner), std::string::npos) << "no banner on the " << name << " console:\n" << console_tail(console);
  // The live system has no slot to commit: machined says why it does not.
  size_t health = console.find("health: ");
  ASSERT_NE(health, std::string::npos) << console_tail(console);
  std::string health_line = console.substr(health, console.find('\n', health) - health);
  EXPECT_NE(health_line.find("health: booted live (installation media); no slot to commit, not committing"),
            std::string::npos)
      << health_line;
  EXPECT_EQ(console.find(" committed"), std::string::npos) << console_tail(console);
  EXPECT_NE(console.find("machined: no machine config; maintenance mode: the API on 0.0.0.0:50000 takes one"),
            std::string::npos)
      << console_tail(console);
  EXPECT_NE(console.find("machined: bronze.test.poweroff is set, powering off"), std::string::npos) << console_tail(console);
  EXPECT_NE(console.find("reboot: Power down"), std::string::npos) << console_tail(console);
  std::printf("%s boot to power-off: %.1f s\n", name.c_str(), result.seconds);
}

INSTANTIATE_TEST_SUITE_P(Medium, IsoBootTest,
                         ::testing::Values(IsoBoot{Firmware::Bios, Medium::Cd}, IsoBoot{Firmware::Uefi, Medium::Cd},
                                           IsoBoot{Firmware::Bios, Medium::UsbDisk}),
                         [](const auto& param_info) { return boot_name(param_info.param); });

}  // namespace
}  // namespace bronze::test
