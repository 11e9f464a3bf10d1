// machined: the node daemon, PID 1 on a booted Bronze node. It reports the
// boot on the console and, for tests, powers the machine off when the kernel
// command line says bronze.test.poweroff.

#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "base/kernel_cmdline.h"
#include "rootfs/machined/banner.h"

namespace {

std::string slurp(const char* path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// PID 1 adopts orphans; reap them so they do not pile up as zombies.
[[noreturn]] void idle_forever() {
  while (true) {
    if (::waitpid(-1, nullptr, 0) < 0) ::pause();
  }
}

}  // namespace

int main() {
  std::string cmdline_text = slurp("/proc/cmdline");
  auto facts = bronze::machined::boot_facts(slurp("/etc/os-release"), cmdline_text);
  std::printf("%s\n", bronze::machined::boot_banner(facts).c_str());
  std::fflush(stdout);

  auto cmdline = bronze::KernelCmdline::parse(cmdline_text);
  if (cmdline.has("bronze.test.poweroff")) {
    std::printf("machined: bronze.test.poweroff is set, powering off\n");
    std::fflush(stdout);
    ::sync();
    ::reboot(RB_POWER_OFF);
  }
  idle_forever();
}
