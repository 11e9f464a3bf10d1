// machined: the node daemon, PID 1 on a booted Bronze node. It reports the
// boot on the console, applies the KSPP sysctls, runs the health checks that gate the commit of an
// upgraded slot (or reports the upgrade that failed), feeds the watchdog
// init armed, and, for tests, powers the machine off when the kernel command
// line says bronze.test.poweroff.

#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "base/kernel_cmdline.h"
#include "rootfs/machined/banner.h"
#include "rootfs/machined/boot_health.h"
#include "rootfs/machined/kspp_sysctls.h"
#include "rootfs/machined/watchdog.h"

namespace {

constexpr const char* kTrustStore = "/etc/bronze/trust/image-signing.pub";

std::string slurp(const char* path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void say(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

// PID 1 adopts orphans: reap them, and feed the watchdog between rounds.
[[noreturn]] void serve_forever(const bronze::machined::Watchdog& watchdog) {
  int interval = watchdog.armed() && watchdog.timeout_seconds() > 0 ? std::max(1, watchdog.timeout_seconds() / 3) : 60;
  while (true) {
    watchdog.feed();
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    ::sleep(static_cast<unsigned>(interval));
  }
}

}  // namespace

int main() {
  auto watchdog = bronze::machined::Watchdog::from_environment();
  watchdog.feed();
  std::string cmdline_text = slurp("/proc/cmdline");
  auto facts = bronze::machined::boot_facts(slurp("/etc/os-release"), cmdline_text);
  say(bronze::machined::boot_banner(facts));
  for (const auto& line : bronze::machined::describe(bronze::machined::apply_kspp_sysctls())) say(line);

  auto health = bronze::machined::check_and_settle(facts.slot, watchdog, kTrustStore);
  for (const auto& line : health.lines) say(line);
  watchdog.feed();

  auto cmdline = bronze::KernelCmdline::parse(cmdline_text);
  if (cmdline.has("bronze.test.poweroff")) {
    say("machined: bronze.test.poweroff is set, powering off");
    ::sync();
    ::reboot(RB_POWER_OFF);
  }
  serve_forever(watchdog);
}
