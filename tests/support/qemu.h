// Boots a disk image under QEMU (TCG: nested KVM hangs on our machines) and
// records the serial console. Every run is bounded by a timeout.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace bronze::test {

enum class Firmware { Bios, Uefi };

struct QemuRun {
  std::filesystem::path disk;
  Firmware firmware = Firmware::Bios;
  std::filesystem::path serial_log;
  int timeout_seconds = 180;
  int memory_mib = 512;
  // A reset (panic, watchdog) restarts the machine instead of ending QEMU;
  // then only a power-off ends the run.
  bool allow_reboot = false;
  std::vector<std::string> extra_args;
};

struct QemuResult {
  int exit_code = 0;       // 124 when the timeout ended it
  bool timed_out = false;
  double seconds = 0;
  std::string console;     // the serial log
  std::string stderr_text;
};

QemuResult boot(const QemuRun& run);

const char* firmware_name(Firmware firmware);

}  // namespace bronze::test
