// The initramfs init (PID 1 until it execs machined). It mounts the SquashFS
// root that travels inside the initramfs, switches to it and hands over to
// machined. Statically linked: the initramfs holds nothing but this file and
// rootfs.sqfs (and, booted from the ISO, install/ from a second initramfs).
//
// Any failure is fatal: init prints why and exits, the kernel panics, and the
// panic= timeout resets the machine, which is what lets GRUB fall back to the
// committed slot.

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <linux/watchdog.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "kernel/cmdline/kernel_cmdline.h"

namespace {

constexpr const char* kRootImage = "/rootfs.sqfs";
constexpr const char* kNewRoot = "/newroot";
constexpr const char* kMachined = "/sbin/machined";
constexpr const char* kInstallTemplate = "/install";
constexpr int kDefaultWatchdogSeconds = 30;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bronze init: %s: %s\n", what.c_str(), std::strerror(errno));
  std::fflush(stderr);
  _exit(1);
}

void make_dir(const char* path) {
  if (::mkdir(path, 0755) != 0 && errno != EEXIST) die(std::string("mkdir ") + path);
}

void mount_or_die(const char* source, const char* target, const char* type, unsigned long flags, const char* data) {
  if (::mount(source, target, type, flags, data) != 0) die(std::string("mount ") + type + " on " + target);
}

// Attaches the root image to a free loop device, read-only.
std::string attach_loop(const char* image) {
  int control = ::open("/dev/loop-control", O_RDWR | O_CLOEXEC);
  if (control < 0) die("open /dev/loop-control");
  int number = ::ioctl(control, LOOP_CTL_GET_FREE);
  if (number < 0) die("LOOP_CTL_GET_FREE");
  ::close(control);
  std::string device = "/dev/loop" + std::to_string(number);
  int loop = ::open(device.c_str(), O_RDWR | O_CLOEXEC);
  if (loop < 0) die("open " + device);
  int backing = ::open(image, O_RDONLY | O_CLOEXEC);
  if (backing < 0) die(std::string("open ") + image);
  struct loop_config config;
  std::memset(&config, 0, sizeof config);
  config.fd = static_cast<uint32_t>(backing);
  config.info.lo_flags = LO_FLAGS_READ_ONLY;
  std::strncpy(reinterpret_cast<char*>(config.info.lo_file_name), image, LO_NAME_SIZE - 1);
  if (::ioctl(loop, LOOP_CONFIGURE, &config) != 0) die("LOOP_CONFIGURE " + device);
  ::close(backing);
  ::close(loop);
  return device;
}

// Arms the hardware watchdog, if the machine has one, and returns its
// descriptor (left open across exec for machined, which feeds it), or -1.
int arm_watchdog(const bronze::KernelCmdline& cmdline) {
  int fd = ::open("/dev/watchdog0", O_RDWR);
  if (fd < 0) return -1;
  int timeout = kDefaultWatchdogSeconds;
  if (auto value = cmdline.get("bronze.watchdog")) timeout = std::atoi(value->c_str());
  if (timeout > 0) ::ioctl(fd, WDIOC_SETTIMEOUT, &timeout);
  ::ioctl(fd, WDIOC_KEEPALIVE, 0);
  std::fprintf(stderr, "bronze init: watchdog armed, %d s\n", timeout);
  return fd;
}

std::string read_cmdline() {
  std::ifstream in("/proc/cmdline");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void move_mount(const char* from, const std::string& to) {
  if (::mount(from, to.c_str(), nullptr, MS_MOVE, nullptr) != 0) die(std::string("move ") + from + " to " + to);
}

}  // namespace

int main() {
  make_dir("/dev");
  make_dir("/proc");
  make_dir("/sys");
  mount_or_die("devtmpfs", "/dev", "devtmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755");
  // Our stdio may be closed if the kernel found no /dev/console before init.
  int console = ::open("/dev/console", O_RDWR | O_CLOEXEC);
  if (console >= 0) {
    ::dup2(console, 0);
    ::dup2(console, 1);
    ::dup2(console, 2);
    ::close(console);
  }
  mount_or_die("proc", "/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, nullptr);
  // First thing once /dev and /proc are there: from now on a hang resets.
  auto cmdline = bronze::KernelCmdline::parse(read_cmdline());
  int watchdog = arm_watchdog(cmdline);
  mount_or_die("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NOEXEC | MS_NODEV, nullptr);

  // Failure drills for the rollback tests: a version that panics, or hangs.
  if (cmdline.has("bronze.test.panic")) {
    std::fprintf(stderr, "bronze init: bronze.test.panic is set, exiting so that the kernel panics\n");
    return 1;
  }
  if (cmdline.has("bronze.test.hang")) {
    std::fprintf(stderr, "bronze init: bronze.test.hang is set, hanging until the watchdog resets the machine\n");
    while (true) ::pause();
  }

  make_dir(kNewRoot);
  std::string loop = attach_loop(kRootImage);
  mount_or_die(loop.c_str(), kNewRoot, "squashfs", MS_RDONLY | MS_NODEV, nullptr);

  // The root is read-only; what must be writable is tmpfs.
  const std::string root = kNewRoot;
  mount_or_die("tmpfs", (root + "/run").c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
  mount_or_die("tmpfs", (root + "/tmp").c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
  mount_or_die("tmpfs", (root + "/var").c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
  // The live ISO's installation template came as a second initramfs:
  // machined installs from it, so it stays reachable under /run.
  struct stat install {};
  if (::stat(kInstallTemplate, &install) == 0 && S_ISDIR(install.st_mode)) {
    std::string target = root + "/run/install";
    make_dir(target.c_str());
    if (::mount(kInstallTemplate, target.c_str(), nullptr, MS_BIND, nullptr) != 0) die("bind /install to /run/install");
  }
  move_mount("/dev", root + "/dev");
  move_mount("/proc", root + "/proc");
  move_mount("/sys", root + "/sys");

  if (::chdir(kNewRoot) != 0) die("chdir /newroot");
  if (::mount(".", "/", nullptr, MS_MOVE, nullptr) != 0) die("move the new root to /");
  if (::chroot(".") != 0) die("chroot");
  if (::chdir("/") != 0) die("chdir /");

  char* const argv[] = {const_cast<char*>(kMachined), nullptr};
  std::string watchdog_env = "BRONZE_WATCHDOG_FD=" + std::to_string(watchdog);
  char* const envp[] = {const_cast<char*>("PATH=/sbin:/bin"), watchdog >= 0 ? watchdog_env.data() : nullptr, nullptr};
  ::execve(kMachined, argv, envp);
  die(std::string("exec ") + kMachined);
}
