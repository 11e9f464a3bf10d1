// Power cuts during upgrade, commit and rollback. Every state-changing
// command runs under the installer's fault injector, which stops it after the
// k-th write, for every k, and separately tears that write mid-sector. After
// each cut the real grub.cfg runs against the disk in grub-emu, and the slot
// it boots must verify against the signing key. A sample of the cut disks
// then boots under QEMU.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <functional>

#include "base/files.h"
#include "disk/partitions/disk_writer.h"
#include "tests/support/grub_emu.h"
#include "tests/support/image_fixture.h"
#include "tests/support/installer_cli.h"
#include "tests/support/qemu.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;

class PowerCut : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("bronze-power-cut");
    make_key_pair(dir_->path());
    fs::path key = dir_->path() / "key.pem";
    build_image(dir_->path() / "v1", "v1", key, {"bronze.test.poweroff"});
    image_ = new fs::path(build_installer_image(dir_->path() / "v2", "v2", key, {"bronze.test.poweroff"}));
  }
  static void TearDownTestSuite() {
    delete image_;
    delete dir_;
  }

  static fs::path v1() { return dir_->path() / "v1" / "metal-amd64.raw"; }
  static fs::path trust() { return dir_->path() / "key.pub"; }
  static std::vector<std::string> upgrade_args(const fs::path& disk) {
    return {"upgrade", "--disk", disk.string(), "--image", image_->string(), "--trust", trust().string(), "-q"};
  }

  // The slot GRUB boots from `disk`, or "" when it boots none.
  static std::string grub_boots(const fs::path& disk, std::string* output) {
    GrubEmuOptions options;
    options.list_entries = false;
    auto decision = evaluate_grub_cfg(disk, options);
    *output = decision.output;
    if (decision.booted == "slot-A") return "A";
    if (decision.booted == "slot-B") return "B";
    return "";
  }

  struct Tally {
    int cuts = 0;
    int unbootable = 0;
    std::vector<fs::path> samples;
  };

  // Runs `args` (with the disk as {disk}) on copies of `base`, cut after
  // every k writes, whole and torn; checks each cut disk.
  Tally cut_everywhere(const std::string& name, const fs::path& base,
                       const std::function<std::vector<std::string>(const fs::path&)>& args) {
    Tally tally;
    for (bool tear : {false, true}) {
      for (int k = 0;; ++k) {
        fs::path disk = dir_->path() / (name + "-cut.raw");
        copy_sparse(base, disk);
        RunOptions options;
        options.env = {{"BRONZE_FAULT_CUT_AFTER", std::to_string(k)}, {"BRONZE_FAULT_TEAR", tear ? "1" : "0"}};
        auto r = run_installer(args(disk), options);
        if (r.exit_code == 0) break;  // k is past the command's last write
        EXPECT_EQ(r.exit_code, disk::kPowerCutExitCode) << name << " k=" << k << ": " << r.err;
        if (r.exit_code != disk::kPowerCutExitCode) break;
        ++tally.cuts;
        std::string output;
        std::string slot = grub_boots(disk, &output);
        bool ok = !slot.empty();
        if (ok) {
          auto verify = run_imager({"verify", "--key", trust().string(), "--slot", slot, disk.string()});
          ok = verify.exit_code == 0;
          EXPECT_TRUE(ok) << name << " k=" << k << (tear ? " torn" : "") << ": GRUB boots slot " << slot
                          << ", which does not verify: " << verify.err;
        } else {
          ADD_FAILURE() << name << " k=" << k << (tear ? " torn" : "") << ": GRUB boots nothing:\n" << output;
        }
        if (!ok) ++tally.unbootable;
        // Keep a few cut disks to boot for real: the first cut, one in the
        // middle of the slot write, and the last torn one.
        if (k == 0 || k == 10 || tear) {
          fs::path sample = dir_->path() / (name + "-sample-" + (tear ? "torn" : std::to_string(k)) + ".raw");
          fs::rename(disk, sample);
          if (std::find(tally.samples.begin(), tally.samples.end(), sample) == tally.samples.end()) {
            tally.samples.push_back(sample);
          }
        }
      }
    }
    std::printf("power cut: %s: tried %d cut points, %d unbootable\n", name.c_str(), tally.cuts, tally.unbootable);
    return tally;
  }

  static TempDir* dir_;
  static fs::path* image_;
};
TempDir* PowerCut::dir_ = nullptr;
fs::path* PowerCut::image_ = nullptr;

TEST_F(PowerCut, EveryCutOfAnUpgradeBootsOldOrNew) {
  auto tally = cut_everywhere("upgrade", v1(), upgrade_args);
  EXPECT_GT(tally.cuts, 10) << "an upgrade writes the slot in many steps";
  EXPECT_EQ(tally.unbootable, 0);

  // Boot a sample for real.
  for (const auto& disk : tally.samples) {
    QemuRun run;
    run.disk = disk;
    run.serial_log = disk.string() + ".log";
    run.timeout_seconds = 240;
    auto result = boot(run);
    bool v1_booted = result.console.find("bronze v1 slot=A") != std::string::npos;
    bool v2_booted = result.console.find("bronze v2 slot=B") != std::string::npos;
    EXPECT_TRUE(v1_booted || v2_booted) << disk << " booted neither version:\n" << result.console;
    EXPECT_FALSE(result.timed_out) << disk;
  }
}

TEST_F(PowerCut, EveryCutOfACommitBootsOldOrNew) {
  // The state a commit starts from: v2 on trial, its try spent by GRUB.
  fs::path base = dir_->path() / "trial.raw";
  copy_sparse(v1(), base);
  ASSERT_EQ(run_installer(upgrade_args(base)).exit_code, 0);
  std::string output;
  ASSERT_EQ(grub_boots(base, &output), "B") << output;
  auto tally = cut_everywhere("commit", base, [](const fs::path& disk) {
    return std::vector<std::string>{"commit", "--disk", disk.string(), "--slot", "B"};
  });
  EXPECT_GE(tally.cuts, 2);
  EXPECT_EQ(tally.unbootable, 0);
}

TEST_F(PowerCut, EveryCutOfARollbackBootsOldOrNew) {
  fs::path base = dir_->path() / "committed.raw";
  copy_sparse(v1(), base);
  ASSERT_EQ(run_installer(upgrade_args(base)).exit_code, 0);
  std::string output;
  ASSERT_EQ(grub_boots(base, &output), "B") << output;
  ASSERT_EQ(run_installer({"commit", "--disk", base.string(), "--slot", "B"}).exit_code, 0);
  auto tally = cut_everywhere("rollback", base, [](const fs::path& disk) {
    return std::vector<std::string>{"rollback", "--disk", disk.string()};
  });
  EXPECT_GE(tally.cuts, 2);
  EXPECT_EQ(tally.unbootable, 0);
}

}  // namespace
}  // namespace bronze::test
