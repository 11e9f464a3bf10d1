// Power cuts during upgrade, commit and rollback. Every state-changing
// command runs under the installer's fault injector, which stops it after the
// k-th write, for every k, and separately tears that write mid-sector. After
// each cut the real grub.cfg runs against the disk in grub-emu, and the slot
// it boots must verify against the signing key. A sample of the cut disks
// then boots under QEMU.

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <functional>

#include "base/files.h"
#include "chunks/chunk_index.h"
#include "chunks/delta_assembly.h"
#include "disk/filesystems/ext4.h"
#include "disk/partitions/disk_writer.h"
#include "disk/partitions/gpt.h"
#include "installer_image/image_archive.h"
#include "signing/trust_store.h"
#include "tests/support/grub_emu.h"
#include "tests/support/image_fixture.h"
#include "tests/support/installer_cli.h"
#include "tests/support/large_slot.h"
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

// The streamed write path with a delta's bytes: the slot image built from
// v1's active slot (the seed) and v2's chunks the seed lacks, as machined
// builds it, goes to `installer upgrade --payload`, the path machined's FIFO
// feeds; the installer writes it, then META, then the trial, as for a pull.
TEST_F(PowerCut, EveryCutOfADeltaUpgradeBootsOldOrNew) {
  UnpackedInstaller v2 = unpack_installer_image(*image_, trust(), dir_->path() / "v2-unpacked");
  oci::ImageArchive archive(*image_, "amd64", signing::TrustStore::load(trust()));
  ASSERT_TRUE(archive.read_chunk_index().has_value());
  chunks::ChunkIndex index = chunks::parse_chunk_index(*archive.read_chunk_index());
  auto slot_a = disk::find_partition(v1(), "BOOT-A");
  int seed = ::open(v1().c_str(), O_RDONLY | O_CLOEXEC);
  int image = ::open(v2.slot.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(seed, 0);
  ASSERT_GE(image, 0);
  std::string payload;
  chunks::DeltaStats stats = chunks::assemble(
      index, chunks::Seed{seed, slot_a.start, disk::ext4_filesystem_bytes(v1(), slot_a.start), "slot A"},
      [&](uint64_t offset, uint64_t length, const std::function<void(std::string_view)>& sink) {
        std::string range(length, '\0');
        ASSERT_EQ(::pread(image, range.data(), length, static_cast<off_t>(offset)), static_cast<ssize_t>(length));
        sink(range);
      },
      [&](std::string_view bytes) { payload.append(bytes); });
  ::close(seed);
  ::close(image);
  ASSERT_TRUE(payload == read_file(v2.slot)) << "the delta did not give the signed slot image";
  EXPECT_GT(stats.seed_bytes, payload.size() / 2) << "the delta took little from the seed";
  fs::path delta_payload = dir_->path() / "delta-payload.ext4";
  write_file(delta_payload, payload);

  auto tally = cut_everywhere("delta-upgrade", v1(), [&](const fs::path& disk) {
    auto args = upgrade_args(disk);
    args.insert(args.end(), {"--payload", delta_payload.string()});
    return args;
  });
  EXPECT_GT(tally.cuts, 10) << "an upgrade writes the slot in many steps";
  EXPECT_EQ(tally.unbootable, 0);
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
