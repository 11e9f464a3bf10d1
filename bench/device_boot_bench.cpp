// Power-on to committed under each device model a platform hands a guest,
// against virtio as the baseline, in the same run: the metal image with a
// baked config booted under QEMU (TCG, SeaBIOS) on virtio-blk, AHCI, NVMe,
// usb-storage behind xHCI, PVSCSI and virtio-scsi, and with e1000e and
// VMXNET3 NICs; each timed from QEMU's start to machined's "already
// committed" line, best of 3. Prints Markdown for BENCHMARKS.md.
//
//   device_boot_bench    (make bench runs it; needs BRONZE_KERNEL_DIR)

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/files.h"
#include "tests/support/image_fixture.h"
#include "tests/support/qemu.h"

namespace fs = std::filesystem;
using namespace bronze;
using namespace bronze::test;

namespace {

constexpr const char* kVersion = "v1-bench";

double boot_seconds(const fs::path& image, const fs::path& dir, const std::string& disk_model, const std::string& nic) {
  fs::path disk = dir / "disk.raw";
  fs::remove(disk);
  copy_sparse(image, disk);
  QemuRun run;
  run.disk = disk;
  run.disk_model = disk_model;
  run.nic_model = nic;
  run.serial_log = dir / "console.log";
  fs::remove(run.serial_log);
  run.timeout_seconds = 300;
  run.memory_mib = 1024;
  auto start = std::chrono::steady_clock::now();
  QemuMachine node(run);
  std::string committed = std::string("bronze ") + kVersion + " slot=A already committed";
  if (!node.wait_for(committed, 280)) throw Error(disk_model + "/" + nic + " did not commit:\n" + node.console());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  node.stop();
  return seconds;
}

}  // namespace

int main() {
  try {
    TempDir dir("bronze-device-boot-bench");
    make_key_pair(dir.path());
    build_image(dir.path() / "out", kVersion, dir.path() / "key.pem");
    fs::path image = dir.path() / "out" / "metal-amd64.raw";
    struct Model {
      std::string disk, nic;
    };
    std::vector<Model> models = {{"virtio", "virtio-net-pci"}, {"ahci", "virtio-net-pci"}, {"nvme", "virtio-net-pci"},
                                 {"usb", "virtio-net-pci"},    {"pvscsi", "virtio-net-pci"}, {"virtio-scsi", "virtio-net-pci"},
                                 {"virtio", "e1000e"},         {"virtio", "vmxnet3"}};
    std::printf("## Boot under each device model (%d cores, QEMU TCG, SeaBIOS)\n\n", 2);
    std::printf("| disk | NIC | power-on to committed, s (best of 3) | against virtio |\n|---|---|---|---|\n");
    double baseline = 0;
    for (const auto& m : models) {
      double best = 1e9;
      for (int i = 0; i < 3; ++i) best = std::min(best, boot_seconds(image, dir.path(), m.disk, m.nic));
      if (baseline == 0) baseline = best;
      std::printf("| %s | %s | %.1f | %.2f× |\n", m.disk.c_str(), m.nic.c_str(), best, best / baseline);
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "device_boot_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
