// Installing from the ISO under QEMU, through SeaBIOS and through OVMF: the
// machine has a blank disk and the ISO in its CD drive; the blank disk is
// passed over and the ISO boots live into maintenance mode. A machine config
// applied with `bronzectl apply-config --insecure` through the forwarded API
// port makes the node install itself to the config's disk and reboot; the
// firmware then boots the disk, which comes up on slot A and serves the API
// to the cluster's admin with mutual TLS.

#include <gtest/gtest.h>

#include "base/files.h"
#include "tests/support/bronzectl_cli.h"
#include "tests/support/image_fixture.h"
#include "tests/support/iso_install_flow.h"
#include "tests/support/qemu.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;
constexpr const char* kVersion = "v1.0.0-isoinstall";

class IsoInstallE2eTest : public ::testing::TestWithParam<Firmware> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("bronze-iso-install-e2e");
    make_key_pair(dir_->path());
    gen_config(dir_->path() / "cluster", "iso");
    auto argv = imager_build_argv("metal", dir_->path() / "out", kVersion, dir_->path() / "key.pem", {});
    argv.insert(argv.end(), {"--output", "iso"});
    run_checked(argv);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static TempDir* dir_;
};
TempDir* IsoInstallE2eTest::dir_ = nullptr;

TEST_P(IsoInstallE2eTest, AppliedConfigInstallsToTheDiskAndTheNodeBootsFromIt) {
  std::string name = firmware_name(GetParam());
  fs::path disk = dir_->path() / (name + "-disk.raw");
  write_file(disk, "");
  fs::resize_file(disk, 1ull << 30);
  QemuRun run;
  run.firmware = GetParam();
  run.disk = disk;
  run.cdrom = dir_->path() / "out/metal-amd64.iso";
  run.serial_log = dir_->path() / (name + ".log");
  run.allow_reboot = true;
  run.memory_mib = 1024;
  run.api_port = free_local_port();
  run.timeout_seconds = 900;
  QemuMachine node(run);
  install_from_iso(node, run.api_port, {kVersion, "amd64", dir_->path() / "cluster", 300});
  node.stop();
}

INSTANTIATE_TEST_SUITE_P(Firmware, IsoInstallE2eTest, ::testing::Values(Firmware::Bios, Firmware::Uefi),
                         [](const auto& param_info) { return std::string(firmware_name(param_info.param)); });

}  // namespace
}  // namespace bronze::test
