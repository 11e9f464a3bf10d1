#include "tests/support/iso_install_flow.h"

#include <gtest/gtest.h>

#include <chrono>

#include "tests/support/bronzectl_cli.h"

namespace bronze::test {

void install_from_iso(const QemuMachine& node, int api_port, const IsoInstall& install, double* live_seconds) {
  auto start = std::chrono::steady_clock::now();
  std::string endpoint = "127.0.0.1:" + std::to_string(api_port);
  std::string banner_tail = " arch=" + install.arch + " platform=metal booted";

  ASSERT_TRUE(node.wait_for("maintenance mode: the API on 0.0.0.0:50000", install.boot_timeout_seconds))
      << console_tail(node.console());
  EXPECT_NE(node.console().find("bronze " + install.version + " slot=live" + banner_tail), std::string::npos)
      << console_tail(node.console());
  if (live_seconds) *live_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto applied = run_bronzectl({"-n", endpoint, "apply-config", "--insecure", "--file",
                                (install.cluster_dir / "controlplane.yaml").string()});
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err << console_tail(node.console());
  EXPECT_NE(applied.out.find("installed " + install.version + " to /dev/vda"), std::string::npos) << applied.out;

  // The firmware boots the disk now: slot A, committed, the API with mutual TLS.
  ASSERT_TRUE(node.wait_for("bronze " + install.version + " slot=A" + banner_tail, install.boot_timeout_seconds))
      << console_tail(node.console());
  ASSERT_TRUE(node.wait_for("machined: API on 0.0.0.0:50000 (mutual TLS; controlplane", 120)) << console_tail(node.console());
  std::filesystem::path admin = install.cluster_dir / "bronzeconfig";
  ASSERT_TRUE(wait_for_version(admin, endpoint, install.version, 60)) << console_tail(node.console());
  auto args = ctl(admin, endpoint);
  args.insert(args.end(), {"--json", "status"});
  auto status = run_bronzectl(args);
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("\"booted\": \"A\""), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("\"committed\": true"), std::string::npos) << status.out;
}

}  // namespace bronze::test
