#include "tests/support/qemu.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "base/error.h"
#include "base/files.h"
#include "base/subprocess.h"

extern char** environ;

namespace bronze::test {
namespace fs = std::filesystem;

const char* firmware_name(Firmware firmware) { return firmware == Firmware::Bios ? "BIOS" : "UEFI"; }

namespace {

// The arm64 machine: QEMU's virt board with a Cortex-A57 (ARMv8.0: no pointer
// authentication, which TCG emulates slowly) and Debian's AAVMF, whose
// variable store each run gets a fresh copy of.
std::vector<std::string> aarch64_machine(const QemuRun& r, const fs::path& vars_dir) {
  if (r.firmware != Firmware::Uefi) throw Error("an arm64 machine boots through UEFI only: set firmware to Uefi");
  fs::path vars = vars_dir / "AAVMF_VARS.fd";
  fs::copy_file("/usr/share/AAVMF/AAVMF_VARS.fd", vars, fs::copy_options::overwrite_existing);
  return {"qemu-system-aarch64", "-machine", "virt", "-cpu", "cortex-a57",
          "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/AAVMF/AAVMF_CODE.fd",
          "-drive", "if=pflash,format=raw,unit=1,file=" + vars.string()};
}

// The disk on the controller `r.disk_model` names, as the boot disk.
std::vector<std::string> disk_devices(const QemuRun& r) {
  std::string drive = "file=" + r.disk.string() + ",format=" + r.disk_format + ",if=none,id=disk";
  const std::string& m = r.disk_model;
  if (m == "virtio") return {"-drive", drive, "-device", "virtio-blk-pci,drive=disk,bootindex=1"};
  if (m == "nvme") return {"-drive", drive, "-device", "nvme,drive=disk,serial=bronze0,bootindex=1"};
  if (m == "ahci") {
    return {"-drive", drive, "-device", "ich9-ahci,id=ahci", "-device", "ide-hd,drive=disk,bus=ahci.0,bootindex=1"};
  }
  if (m == "usb") {
    return {"-drive", drive, "-device", "qemu-xhci,id=xhci", "-device", "usb-storage,drive=disk,bus=xhci.0,bootindex=1"};
  }
  std::string controller = m == "virtio-scsi" ? "virtio-scsi-pci" : m == "pvscsi" ? "pvscsi" : m == "lsi" ? "lsi53c895a" : "";
  if (controller.empty()) throw Error("QemuRun: unknown disk model '" + m + "'");
  return {"-drive", drive, "-device", controller + ",id=hba", "-device", "scsi-hd,drive=disk,bus=hba.0,bootindex=1"};
}

}  // namespace

std::vector<std::string> qemu_argv(const QemuRun& r, const fs::path& vars_dir) {
  if (r.arch != "amd64" && r.arch != "arm64") throw Error("QemuRun: unknown arch '" + r.arch + "'");
  std::vector<std::string> argv = {"qemu-system-x86_64"};
  if (r.arch == "arm64") argv = aarch64_machine(r, vars_dir);
  argv.insert(argv.end(), {"-accel", "tcg", "-m", std::to_string(r.memory_mib),
                           "-display", "none", "-monitor", "none",
                           "-serial", "file:" + r.serial_log.string()});
  if (!r.disk.empty() && !r.cdrom.empty()) {
    // Both: the disk first, then the CD, as a machine installed from the ISO
    // is set up. A blank disk is passed over (SeaBIOS finds no boot sector,
    // OVMF no ESP), so the CD boots until the disk is installed.
    argv.insert(argv.end(), {"-drive", "file=" + r.disk.string() + ",format=raw,if=none,id=disk",
                             "-device", "virtio-blk-pci,drive=disk,bootindex=1",
                             "-drive", "file=" + r.cdrom.string() + ",format=raw,if=none,id=cd,media=cdrom,readonly=on"});
    if (r.arch == "arm64") {
      // virt has no IDE: the CD hangs off a SCSI controller.
      argv.insert(argv.end(), {"-device", "virtio-scsi-pci", "-device", "scsi-cd,drive=cd,bootindex=2"});
    } else {
      argv.insert(argv.end(), {"-device", "ide-cd,drive=cd,bootindex=2"});
    }
  } else if (!r.disk.empty()) {
    auto disk = disk_devices(r);
    argv.insert(argv.end(), disk.begin(), disk.end());
  } else if (!r.cdrom.empty()) {
    argv.insert(argv.end(), {"-drive", "file=" + r.cdrom.string() + ",format=raw,media=cdrom,readonly=on"});
  }
  argv.insert(argv.end(), {// The watchdog init arms; when it fires, the machine resets.
                           "-device", "i6300esb", "-action", "watchdog=reset",
                           // Entropy for the keys machined makes at boot.
                           "-device", "virtio-rng-pci"});
  std::string nic = "user,model=" + r.nic_model + ",restrict=on";
  if (r.api_port > 0) nic += ",hostfwd=tcp:127.0.0.1:" + std::to_string(r.api_port) + "-:50000";
  nic += r.user_net_options;
  argv.insert(argv.end(), {"-nic", nic});
  if (!r.allow_reboot) argv.push_back("-no-reboot");
  if (r.firmware == Firmware::Uefi && r.arch == "amd64") {
    // OVMF writes its variable store: give each run a fresh copy.
    fs::path vars = vars_dir / "OVMF_VARS.fd";
    fs::copy_file("/usr/share/OVMF/OVMF_VARS_4M.fd", vars, fs::copy_options::overwrite_existing);
    argv.insert(argv.end(), {"-machine", "q35",
                             "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd",
                             "-drive", "if=pflash,format=raw,unit=1,file=" + vars.string()});
  }
  argv.insert(argv.end(), r.extra_args.begin(), r.extra_args.end());
  return argv;
}

QemuResult boot(const QemuRun& r) {
  TempDir vars_dir("bronze-ovmf");
  std::vector<std::string> argv = {"timeout", "--kill-after=10", std::to_string(r.timeout_seconds)};
  auto qemu = qemu_argv(r, vars_dir.path());
  argv.insert(argv.end(), qemu.begin(), qemu.end());
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

QemuMachine::QemuMachine(const QemuRun& run) : run_(run) {
  char pattern[] = "/tmp/bronze-qemu-XXXXXX";
  if (!::mkdtemp(pattern)) throw_errno("mkdtemp");
  vars_dir_ = pattern;
  // `timeout` bounds the run even if this test process dies without stopping it.
  std::vector<std::string> argv = {"timeout", "--kill-after=10", std::to_string(run.timeout_seconds)};
  auto qemu = qemu_argv(run, vars_dir_);
  argv.insert(argv.end(), qemu.begin(), qemu.end());
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  fs::path stderr_log = vars_dir_ / "qemu.stderr";
  posix_spawn_file_actions_addopen(&actions, 2, stderr_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int rc = posix_spawnp(&pid_, "timeout", &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw Error("cannot start qemu: " + std::string(std::strerror(rc)));
}

QemuMachine::~QemuMachine() {
  stop();
  std::error_code ignored;
  fs::remove_all(vars_dir_, ignored);
}

bool QemuMachine::running() const {
  if (pid_ < 0) return false;
  int status = 0;
  pid_t done = ::waitpid(pid_, &status, WNOHANG);
  if (done == pid_) {
    auto* self = const_cast<QemuMachine*>(this);
    self->exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    self->pid_ = -1;
    return false;
  }
  return true;
}

std::string QemuMachine::console() const { return fs::exists(run_.serial_log) ? read_file(run_.serial_log) : ""; }

bool QemuMachine::wait_for(const std::string& text, int timeout_seconds, int occurrence) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string log = console();
    int seen = 0;
    for (size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++seen;
    if (seen >= occurrence) return true;
    if (!running()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return false;
}

int QemuMachine::stop() {
  if (running()) {
    // `timeout` passes SIGTERM on to QEMU, which ends at once.
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    pid_ = -1;
  }
  return exit_code_;
}

int free_local_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw_errno("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw_errno("bind a loopback port");
  }
  int port = ntohs(address.sin_port);
  ::close(fd);
  return port;
}

std::string console_tail(const std::string& console, size_t bytes) {
  return console.size() > bytes ? console.substr(console.size() - bytes) : console;
}

}  // namespace bronze::test
