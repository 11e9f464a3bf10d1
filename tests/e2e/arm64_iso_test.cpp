// Installing from the arm64 ISO under qemu-system-aarch64 (TCG, the virt
// machine, Debian's AAVMF): the machine has a blank virtio disk and the ISO
// in a SCSI CD drive. The firmware passes over the blank disk and boots the
// ISO's El Torito UEFI entry (BOOTAA64.EFI), which brings the node up live in
// maintenance mode. A machine config applied with `bronzectl apply-config
// --insecure` through the forwarded API port makes the node install itself to
// the disk and reboot; the firmware then boots the disk, which comes up on
// slot A and serves the API to the cluster's admin with mutual TLS.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "base/files.h"
#include "base/subprocess.h"
#include "tests/support/arm64_image.h"
#include "tests/support/bronzectl_cli.h"
#include "tests/support/image_fixture.h"
#include "tests/support/iso_install_flow.h"
#include "tests/support/qemu.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;
constexpr const char* kVersion = "v1.0.0-arm64iso";

class Arm64IsoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("bronze-arm64-iso-test");
    make_key_pair(dir_->path());
    gen_config(dir_->path() / "cluster", "arm64iso");
    run_checked(arm64_imager_argv("metal", dir_->path() / "out", kVersion, dir_->path() / "key.pem", {},
                                  {"--output", "iso"}));
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static TempDir* dir_;
};
TempDir* Arm64IsoTest::dir_ = nullptr;

TEST_F(Arm64IsoTest, AppliedConfigInstallsToTheDiskAndTheNodeBootsFromIt) {
  fs::path disk = dir_->path() / "disk.raw";
  write_file(disk, "");
  fs::resize_file(disk, 1ull << 30);
  QemuRun run;
  run.arch = "arm64";
  run.firmware = Firmware::Uefi;
  run.disk = disk;
  run.cdrom = dir_->path() / "out/metal-arm64.iso";
  run.serial_log = dir_->path() / "console.log";
  run.allow_reboot = true;
  run.memory_mib = 1024;
  run.api_port = free_local_port();
  // Two boots through AAVMF and GRUB on an emulated Cortex-A57, and the
  // installation between them: a few times what amd64 takes.
  run.timeout_seconds = 960;
  auto start = std::chrono::steady_clock::now();
  QemuMachine node(run);
  double live = 0;
  install_from_iso(node, run.api_port, {kVersion, "arm64", dir_->path() / "cluster", 360}, &live);
  double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  node.stop();
  std::printf("arm64 ISO: live in %.1f s, installed and booted from the disk in %.1f s\n", live, total);
}

}  // namespace
}  // namespace bronze::test
