#include "tests/support/qemu.h"

#include "base/files.h"
#include "base/subprocess.h"

namespace bronze::test {
namespace fs = std::filesystem;

const char* firmware_name(Firmware firmware) { return firmware == Firmware::Bios ? "BIOS" : "UEFI"; }

QemuResult boot(const QemuRun& r) {
  std::vector<std::string> argv = {"timeout", "--kill-after=10", std::to_string(r.timeout_seconds),
                                   "qemu-system-x86_64", "-accel", "tcg", "-m", std::to_string(r.memory_mib),
                                   "-display", "none", "-monitor", "none",
                                   "-serial", "file:" + r.serial_log.string(),
                                   "-drive", "file=" + r.disk.string() + ",format=raw,if=virtio",
                                   // The watchdog init arms; when it fires, the machine resets.
                                   "-device", "i6300esb", "-action", "watchdog=reset"};
  if (!r.allow_reboot) argv.push_back("-no-reboot");
  TempDir vars_dir("bronze-ovmf");
  if (r.firmware == Firmware::Uefi) {
    // OVMF writes its variable store: give each run a fresh copy.
    fs::path vars = vars_dir.path() / "OVMF_VARS.fd";
    fs::copy_file("/usr/share/OVMF/OVMF_VARS_4M.fd", vars);
    argv.insert(argv.end(), {"-machine", "q35",
                             "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd",
                             "-drive", "if=pflash,format=raw,unit=1,file=" + vars.string()});
  }
  argv.insert(argv.end(), r.extra_args.begin(), r.extra_args.end());
  auto start = std::chrono::steady_clock::now();
  RunResult result = run(argv);
  QemuResult out;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.exit_code = result.exit_code;
  out.timed_out = result.exit_code == 124 || result.exit_code == 137;
  out.stderr_text = result.err;
  out.console = fs::exists(r.serial_log) ? read_file(r.serial_log) : "";
  return out;
}

}  // namespace bronze::test
