// A/B upgrades under QEMU, through SeaBIOS and OVMF: v1 installed; an offline
// `installer upgrade` to v2 boots slot B and commits; a v3 whose init panics,
// and one that hangs (the watchdog resets it), come back on v2 reporting the
// failed upgrade; `installer rollback` boots v1 on slot A again.

#include <gtest/gtest.h>

#include "base/files.h"
#include "tests/support/image_fixture.h"
#include "tests/support/installer_cli.h"
#include "tests/support/qemu.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;

// Every version powers off once its boot checks are done, so each run ends;
// panic=1 makes a panic reset the machine at once.
const std::vector<std::string> kTestArgs = {"bronze.test.poweroff", "panic=1"};

class UpgradeTest : public ::testing::TestWithParam<Firmware> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("bronze-upgrade-test");
    make_key_pair(dir_->path());
    fs::path key = dir_->path() / "key.pem";
    build_image(dir_->path() / "v1", "v1", key, kTestArgs);
    v2_ = new fs::path(build_installer_image(dir_->path() / "v2", "v2", key, kTestArgs));
    auto panic_args = kTestArgs;
    panic_args.push_back("bronze.test.panic");
    v3_panic_ = new fs::path(build_installer_image(dir_->path() / "v3-panic", "v3-panic", key, panic_args));
    auto hang_args = kTestArgs;
    hang_args.insert(hang_args.end(), {"bronze.test.hang", "bronze.watchdog=5"});
    v3_hang_ = new fs::path(build_installer_image(dir_->path() / "v3-hang", "v3-hang", key, hang_args));
  }
  static void TearDownTestSuite() {
    delete v2_;
    delete v3_panic_;
    delete v3_hang_;
    delete dir_;
  }

  std::string name() const { return firmware_name(GetParam()); }
  fs::path trust() const { return dir_->path() / "key.pub"; }

  // A fresh copy of the v1 disk for this test.
  fs::path fresh_disk(const std::string& what) {
    fs::path disk = dir_->path() / (name() + "-" + what + ".raw");
    copy_sparse(dir_->path() / "v1" / "metal-amd64.raw", disk);
    return disk;
  }

  void upgrade(const fs::path& disk, const fs::path& image) {
    auto r = run_installer({"upgrade", "--disk", disk.string(), "--image", image.string(), "--trust", trust().string(), "-q"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  QemuResult boot_disk(const fs::path& disk, const std::string& what, bool allow_reboot) {
    QemuRun run;
    run.disk = disk;
    run.firmware = GetParam();
    run.serial_log = dir_->path() / (name() + "-" + what + ".log");
    run.timeout_seconds = 300;
    run.allow_reboot = allow_reboot;
    auto result = boot(run);
    EXPECT_FALSE(result.timed_out) << what << " did not power off in time:\n" << console_tail(result.console);
    return result;
  }

  // A disk upgraded to v2 and booted: slot B committed, slot A still v1.
  fs::path disk_on_v2(const std::string& what) {
    fs::path disk = fresh_disk(what);
    upgrade(disk, *v2_);
    auto result = boot_disk(disk, what + "-v2", false);
    EXPECT_NE(result.console.find("bronze v2 slot=B arch=amd64 platform=metal booted"), std::string::npos)
        << console_tail(result.console);
    EXPECT_NE(result.console.find("bronze v2 slot=B committed"), std::string::npos) << console_tail(result.console);
    return disk;
  }

  static TempDir* dir_;
  static fs::path* v2_;
  static fs::path* v3_panic_;
  static fs::path* v3_hang_;
};
TempDir* UpgradeTest::dir_ = nullptr;
fs::path* UpgradeTest::v2_ = nullptr;
fs::path* UpgradeTest::v3_panic_ = nullptr;
fs::path* UpgradeTest::v3_hang_ = nullptr;

TEST_P(UpgradeTest, V2BootsOnSlotBAndCommits) {
  fs::path disk = disk_on_v2("commit");
  auto status = disk_status(disk);
  EXPECT_EQ(status["default"], "B");
  EXPECT_EQ(status["slots"]["B"]["version"], "v2");
  EXPECT_EQ(status["slots"]["B"]["committed"], true);
  EXPECT_EQ(status["slots"]["A"]["version"], "v1");
  EXPECT_EQ(status["slots"]["A"]["committed"], true);
  EXPECT_FALSE(status.contains("pending_upgrade")) << status.dump();
}

TEST_P(UpgradeTest, PanickingV3ComesBackOnV2) {
  fs::path disk = disk_on_v2("panic");
  upgrade(disk, *v3_panic_);
  auto result = boot_disk(disk, "panic-v3", true);
  EXPECT_NE(result.console.find("bronze.test.panic is set"), std::string::npos) << console_tail(result.console);
  EXPECT_NE(result.console.find("Kernel panic"), std::string::npos) << console_tail(result.console);
  EXPECT_NE(result.console.find("upgrade to v3-panic failed; rolled back to v2"), std::string::npos) << console_tail(result.console);
  auto status = disk_status(disk);
  EXPECT_EQ(status["default"], "B");
  EXPECT_EQ(status["next_boot"], "B");
  EXPECT_EQ(status["last_failed_upgrade"]["version"], "v3-panic");
  EXPECT_EQ(status["last_failed_upgrade"]["rolled_back_to"], "v2");
  EXPECT_EQ(status["slots"]["A"]["committed"], false);
}

TEST_P(UpgradeTest, HangingV3IsResetByTheWatchdogAndComesBackOnV2) {
  fs::path disk = disk_on_v2("hang");
  upgrade(disk, *v3_hang_);
  auto result = boot_disk(disk, "hang-v3", true);
  EXPECT_NE(result.console.find("bronze.test.hang is set"), std::string::npos) << console_tail(result.console);
  EXPECT_NE(result.console.find("upgrade to v3-hang failed; rolled back to v2"), std::string::npos) << console_tail(result.console);
  auto status = disk_status(disk);
  EXPECT_EQ(status["default"], "B");
  EXPECT_EQ(status["last_failed_upgrade"]["version"], "v3-hang");
}

TEST_P(UpgradeTest, RollbackBootsV1OnSlotA) {
  fs::path disk = disk_on_v2("rollback");
  auto r = run_installer({"rollback", "--disk", disk.string(), "--trust", trust().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(disk_status(disk)["next_boot"], "A");
  auto result = boot_disk(disk, "rollback-v1", false);
  EXPECT_NE(result.console.find("bronze v1 slot=A arch=amd64 platform=metal booted"), std::string::npos)
      << console_tail(result.console);
  auto status = disk_status(disk);
  EXPECT_EQ(status["default"], "A");
  EXPECT_EQ(status["slots"]["B"]["committed"], true) << "the slot rolled away from stays committed";
}

INSTANTIATE_TEST_SUITE_P(Firmware, UpgradeTest, ::testing::Values(Firmware::Bios, Firmware::Uefi),
                         [](const auto& param_info) { return std::string(firmware_name(param_info.param)); });

}  // namespace
}  // namespace bronze::test
