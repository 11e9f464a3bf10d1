// The node API under QEMU (BIOS), reached through a hostfwd port on
// 127.0.0.1: a node boots v1 with a machine config in STATE; bronzectl reads
// its version; clients without a certificate, with one from another CA and
// with a reader's are refused an upgrade; a staged upgrade shows its steps in
// the logs; a streamed upgrade makes the node reboot itself into v2 and
// commit; a rollback brings v1 back.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/files.h"
#include "tests/support/bronzectl_cli.h"
#include "tests/support/image_fixture.h"
#include "tests/support/installer_cli.h"
#include "tests/support/qemu.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;

class ApiE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::make_unique<TempDir>("bronze-api-e2e");
    make_key_pair(dir_->path());
    fs::path key = dir_->path() / "key.pem";
    gen_config(dir_->path() / "cluster", "demo");
    gen_config(dir_->path() / "other", "other");
    auto argv = imager_build_argv("metal", dir_->path() / "v1", "v1", key, {});
    argv.insert(argv.end(), {"--config", (dir_->path() / "cluster/controlplane.yaml").string()});
    run_checked(argv);
    v2_ = build_installer_image(dir_->path() / "v2", "v2", key);
    disk_ = dir_->path() / "node.raw";
    copy_sparse(dir_->path() / "v1" / "metal-amd64.raw", disk_);
    port_ = free_local_port();
    endpoint_ = "127.0.0.1:" + std::to_string(port_);
  }

  fs::path admin() const { return dir_->path() / "cluster/bronzeconfig"; }

  RunResult ctl_run(const fs::path& config, std::vector<std::string> args) const {
    auto argv = ctl(config, endpoint_);
    argv.insert(argv.end(), args.begin(), args.end());
    return run_bronzectl(argv);
  }

  std::unique_ptr<TempDir> dir_;
  fs::path v2_, disk_;
  int port_ = 0;
  std::string endpoint_;
};

TEST_F(ApiE2eTest, UpgradeThroughTheApiRebootsIntoV2ThenRollbackBringsV1Back) {
  QemuRun run;
  run.disk = disk_;
  run.serial_log = dir_->path() / "console.log";
  run.timeout_seconds = 900;
  run.memory_mib = 1024;
  run.allow_reboot = true;
  run.api_port = port_;
  QemuMachine node(run);
  ASSERT_TRUE(node.wait_for("machined: API on 0.0.0.0:50000", 240)) << console_tail(node.console());

  // 1. version, as the admin and as a reader.
  ASSERT_TRUE(wait_for_version(admin(), endpoint_, "v1", 60)) << console_tail(node.console());
  auto version = ctl_run(admin(), {"version"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_NE(version.out.find("v1"), std::string::npos) << version.out;
  EXPECT_NE(version.out.find("controlplane"), std::string::npos) << version.out;

  // 2. Refused: another cluster's CA, and a reader; nothing was written.
  std::string before = disk_status(disk_).dump();
  auto foreign = ctl_run(dir_->path() / "other/bronzeconfig", {"upgrade", "--image", v2_.string(), "--stage"});
  EXPECT_EQ(foreign.exit_code, 1);
  EXPECT_NE(foreign.err.find("refused the TLS handshake"), std::string::npos) << foreign.err;
  fs::path reader = dir_->path() / "reader-config";
  auto made = run_bronzectl({"gen", "client", "--machine-config", (dir_->path() / "cluster/controlplane.yaml").string(),
                             "--role", "os:reader", "-o", reader.string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto as_reader = ctl_run(reader, {"upgrade", "--image", v2_.string(), "--stage"});
  EXPECT_EQ(as_reader.exit_code, 1);
  EXPECT_NE(as_reader.err.find("Upgrade needs a client certificate with role os:admin or os:operator; this one has os:reader"),
            std::string::npos)
      << as_reader.err;
  auto reader_version = ctl_run(reader, {"version"});
  EXPECT_EQ(reader_version.exit_code, 0) << reader_version.err;
  EXPECT_EQ(disk_status(disk_).dump(), before);

  // 3. Staged: slot B on trial, no reboot; the log has the upgrade's steps.
  auto staged = ctl_run(admin(), {"upgrade", "--image", v2_.string(), "--stage"});
  ASSERT_EQ(staged.exit_code, 0) << staged.err << "\n" << console_tail(node.console());
  EXPECT_NE(staged.out.find("v1 -> v2 in slot B, staged for the next reboot"), std::string::npos) << staged.out;
  auto logs = ctl_run(admin(), {"logs"});
  EXPECT_EQ(logs.exit_code, 0) << logs.err;
  for (const char* step : {"upgrade: requested with a streamed image (stage only)", "upgrade: received the installer image",
                           "upgrade: verifying the installer image's signature, then every blob", "upgrade: running the new version's installer",
                           "upgrade: slot B holds v2 on trial"}) {
    EXPECT_NE(logs.out.find(step), std::string::npos) << step << "\n" << logs.out;
  }
  auto status = ctl_run(admin(), {"--json", "status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  auto s = nlohmann::json::parse(status.out).at(0);
  EXPECT_TRUE(s["slots"]["B"]["trial"].get<bool>()) << status.out;
  EXPECT_EQ(s["booted"], "A");

  // 4. Not staged: the node reboots itself into v2 and commits it.
  auto upgraded = ctl_run(admin(), {"upgrade", "--image", v2_.string(), "--wait", "--wait-timeout", "400"});
  ASSERT_EQ(upgraded.exit_code, 0) << upgraded.err << "\n" << console_tail(node.console());
  EXPECT_NE(upgraded.out.find("v1 -> v2 in slot B, booted and committed"), std::string::npos) << upgraded.out;
  EXPECT_NE(node.console().find("bronze v2 slot=B committed"), std::string::npos) << console_tail(node.console());

  // 5. Rollback: v1 on slot A again.
  auto rolled = ctl_run(admin(), {"rollback"});
  ASSERT_EQ(rolled.exit_code, 0) << rolled.err;
  EXPECT_NE(rolled.out.find("rolling back from v2 to v1 (slot A)"), std::string::npos) << rolled.out;
  ASSERT_TRUE(node.wait_for("bronze v1 slot=A arch=amd64 platform=metal booted", 300, 2)) << console_tail(node.console());
  ASSERT_TRUE(wait_for_version(admin(), endpoint_, "v1", 120)) << console_tail(node.console());
  auto after = ctl_run(admin(), {"--json", "status"});
  auto a = nlohmann::json::parse(after.out).at(0);
  EXPECT_EQ(a["booted"], "A") << after.out;
  EXPECT_EQ(a["slots"]["B"]["version"], "v2") << after.out;
  node.stop();
}

}  // namespace
}  // namespace bronze::test
