// Anti-rollback: every image carries a signed security version, META keeps
// the highest one the node committed (its floor), and nothing below the
// floor is installed or rolled back to. The floor rises at a commit, never
// at a trial boot. Through the installer CLI, and through machined, which
// refuses such an image before it writes anything.

#include <gtest/gtest.h>

#include "base/files.h"
#include "base/sha256.h"
#include "tests/support/bronzectl_cli.h"
#include "tests/support/host_node.h"
#include "tests/support/image_fixture.h"
#include "tests/support/installer_cli.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class AntiRollback : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("bronze-anti-rollback");
    fs::path d = dir_->path();
    make_key_pair(d);
    gen_config(d / "cluster", "demo");
    // The node: v1 with security version 1, configured, so that machined
    // serves its API.
    auto argv = imager_build_argv("metal", d / "v1", "v1", d / "key.pem", {});
    argv.insert(argv.end(), {"--security-version", "1", "--config", (d / "cluster/controlplane.yaml").string()});
    run_checked(argv);
    old_ = new fs::path(installer_image(d, "v0.9", 0));   // an old, vulnerable release
    same_ = new fs::path(installer_image(d, "v1.1", 1));  // a release that fixes no vulnerability
    newer_ = new fs::path(installer_image(d, "v2", 2));   // a security release
  }
  static void TearDownTestSuite() {
    delete old_;
    delete same_;
    delete newer_;
    delete dir_;
  }
  static fs::path installer_image(const fs::path& d, const std::string& version, int security_version) {
    auto argv = imager_build_argv("installer", d / version, version, d / "key.pem", {});
    argv.insert(argv.end(), {"--security-version", std::to_string(security_version)});
    run_checked(argv);
    return d / version / "installer-amd64.tar";
  }

  void SetUp() override {
    disk_ = dir_->path() / (std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".raw");
    copy_sparse(dir_->path() / "v1/metal-amd64.raw", disk_);
  }
  void TearDown() override { fs::remove(disk_); }

  RunResult upgrade(const fs::path& image) {
    return run_installer({"upgrade", "--disk", disk_.string(), "--image", image.string(), "--trust",
                          (dir_->path() / "key.pub").string(), "-q"});
  }
  RunResult commit(const std::string& slot) { return run_installer({"commit", "--disk", disk_.string(), "--slot", slot}); }
  RunResult rollback() {
    return run_installer({"rollback", "--disk", disk_.string(), "--trust", (dir_->path() / "key.pub").string()});
  }
  uint64_t floor() { return disk_status(disk_)["security_floor"].get<uint64_t>(); }

  static TempDir* dir_;
  static fs::path* old_;
  static fs::path* same_;
  static fs::path* newer_;
  fs::path disk_;
};
TempDir* AntiRollback::dir_ = nullptr;
fs::path* AntiRollback::old_ = nullptr;
fs::path* AntiRollback::same_ = nullptr;
fs::path* AntiRollback::newer_ = nullptr;

TEST_F(AntiRollback, AnImageBelowTheFloorIsRefusedWithBothNumbers) {
  EXPECT_EQ(floor(), 1u);  // the installed slot's
  std::string before = sha256_file_hex(disk_);
  auto r = upgrade(*old_);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "v0.9 has security version 0, below this node's floor of 1")) << r.err;
  EXPECT_EQ(sha256_file_hex(disk_), before);
}

TEST_F(AntiRollback, TheFloorRisesAtTheCommitNotAtTheTrial) {
  auto r = upgrade(*newer_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto status = disk_status(disk_);
  EXPECT_TRUE(status["slots"]["B"]["trial"].get<bool>());
  EXPECT_EQ(status["slots"]["B"]["security_version"], 2);
  EXPECT_EQ(status["security_floor"], 1) << "the floor rose at the trial";

  // The trial fails: GRUB falls back to A, machined on A records it. The
  // floor never saw version 2.
  ASSERT_EQ(commit("A").exit_code, 0);
  EXPECT_EQ(floor(), 1u);

  // Tried again and committed this time: now the floor is 2, and v1 (1)
  // may not come back, neither by rollback nor by upgrade.
  ASSERT_EQ(upgrade(*newer_).exit_code, 0);
  ASSERT_EQ(commit("B").exit_code, 0);
  EXPECT_EQ(floor(), 2u);
  std::string before = sha256_file_hex(disk_);
  auto back = rollback();
  EXPECT_EQ(back.exit_code, 1);
  EXPECT_TRUE(contains(back.err, "cannot roll back to slot A: v1 has security version 1, below this node's floor of 2"))
      << back.err;
  auto older = upgrade(*same_);
  EXPECT_EQ(older.exit_code, 1);
  EXPECT_TRUE(contains(older.err, "v1.1 has security version 1, below this node's floor of 2")) << older.err;
  EXPECT_EQ(sha256_file_hex(disk_), before);
}

TEST_F(AntiRollback, ARollbackToASlotNotBelowTheFloorWorks) {
  ASSERT_EQ(upgrade(*same_).exit_code, 0);
  ASSERT_EQ(commit("B").exit_code, 0);
  EXPECT_EQ(floor(), 1u);
  auto back = rollback();
  ASSERT_EQ(back.exit_code, 0) << back.err;
  auto status = disk_status(disk_);
  EXPECT_EQ(status["default"], "A");
  EXPECT_EQ(status["next_boot"], "A");
}

TEST_F(AntiRollback, MachinedRefusesAnImageBelowTheFloorBeforeWriting) {
  HostNodeOptions o;
  o.disk = disk_;
  o.trust = dir_->path() / "key.pub";
  o.work_dir = dir_->path() / "node";
  HostNode node(o);
  std::string before = sha256_file_hex(disk_);
  auto argv = ctl(dir_->path() / "cluster/bronzeconfig", node.endpoint());
  argv.insert(argv.end(), {"upgrade", "--image", old_->string(), "--stage"});
  auto r = run_bronzectl(argv);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "v0.9 has security version 0, below this node's floor of 1")) << r.err;
  EXPECT_FALSE(contains(node.log(), "running the new version's installer")) << node.log();
  EXPECT_EQ(sha256_file_hex(disk_), before);
}

}  // namespace
}  // namespace bronze::test
