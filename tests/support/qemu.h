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
  // "amd64": qemu-system-x86_64 (pc, or q35 under UEFI). "arm64":
  // qemu-system-aarch64's virt machine, which boots through UEFI only
  // (AAVMF): firmware must be Uefi.
  std::string arch = "amd64";
  std::filesystem::path disk;  // empty: no disk (with a cdrom)
  // An ISO in the CD-ROM drive; empty: none. With no disk, the machine
  // boots from it; with one, from the disk first, then from it.
  std::filesystem::path cdrom;
  Firmware firmware = Firmware::Bios;
  std::filesystem::path serial_log;
  int timeout_seconds = 180;
  int memory_mib = 512;
  // A reset (panic, watchdog) restarts the machine instead of ending QEMU;
  // then only a power-off ends the run.
  bool allow_reboot = false;
  // Host loopback port forwarded to the node API (50000); 0: none. The NIC
  // is there either way (restrict=on: the guest reaches nothing outside),
  // so that ip=dhcp does not wait for one.
  int api_port = 0;
  // How the disk is attached, as each platform attaches its disks: "virtio"
  // (virtio-blk), "virtio-scsi", "ahci", "nvme", "usb" (usb-storage on a
  // qemu-xhci controller), "pvscsi", "lsi" (LSI53C895A). Only for a disk
  // without a CD-ROM.
  std::string disk_model = "virtio";
  std::string disk_format = "raw";  // or "qcow2"
  // The NIC QEMU emulates: "virtio-net-pci", "e1000e", "vmxnet3", "e1000".
  // It is the guest's only NIC.
  std::string nic_model = "virtio-net-pci";
  // Appended to the user network's options, e.g. ",net=169.254.0.0/16,
  // guestfwd=tcp:169.254.169.254:80-cmd:PROGRAM ARGS" for a metadata
  // stand-in (the guest reaches nothing else; no commas in PROGRAM ARGS).
  std::string user_net_options;
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

// A QEMU run in the background, for tests that talk to the node while it
// runs. The destructor ends it (by its pid) if it still runs.
class QemuMachine {
 public:
  explicit QemuMachine(const QemuRun& run);
  ~QemuMachine();
  QemuMachine(const QemuMachine&) = delete;
  QemuMachine& operator=(const QemuMachine&) = delete;

  // Waits until the console has shown `text` `occurrence` times; false at
  // the timeout or when QEMU ended.
  bool wait_for(const std::string& text, int timeout_seconds, int occurrence = 1) const;
  std::string console() const;
  bool running() const;
  // Ends QEMU and returns its exit code.
  int stop();

 private:
  QemuRun run_;
  std::filesystem::path vars_dir_;
  int pid_ = -1;
  int exit_code_ = -1;
};

// The argv that boots `run` (without the timeout wrapper).
std::vector<std::string> qemu_argv(const QemuRun& run, const std::filesystem::path& vars_dir);

// A free TCP port on 127.0.0.1 (bound and released, so a race is possible but unlikely).
int free_local_port();

const char* firmware_name(Firmware firmware);

// The end of a console log, for a failure message: the last lines tell what
// went wrong, the whole boot log would bury them.
std::string console_tail(const std::string& console, size_t bytes = 6000);

}  // namespace bronze::test
