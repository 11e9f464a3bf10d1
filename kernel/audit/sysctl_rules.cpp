// The sysctl values KSPP recommends. The audit does not check them (they are
// set at run time); the node daemon applies the applicable ones and reports
// them. A sysctl whose kernel feature is absent has no file in /proc/sys, so
// each entry says what it needs.
#include "kernel/audit/rules.h"

namespace bronze::kspp {

namespace {

struct S {
  SysctlRule rule;

  S(std::string name, std::string value, std::string reason) {
    rule.name = std::move(name);
    rule.value = std::move(value);
    rule.reason = std::move(reason);
  }
  S& needs(Condition prerequisite) {
    rule.prerequisites.push_back(std::move(prerequisite));
    return *this;
  }
  S& x86() {
    rule.arch = Arch::X86_64;
    return *this;
  }
  S& arm64() {
    rule.arch = Arch::Arm64;
    return *this;
  }
  S& since(std::string version) {
    rule.versions.since = std::move(version);
    return *this;
  }
  operator SysctlRule() const { return rule; }
};

std::vector<SysctlRule> build_table() {
  return {
      S("kernel.kptr_restrict", "2", "kernel addresses hidden from /proc, even from root"),
      S("kernel.dmesg_restrict", "1", "unprivileged users cannot read the kernel log").needs(y("PRINTK")),
      S("kernel.perf_event_paranoid", "3", "no performance events for unprivileged users").needs(y("PERF_EVENTS")),
      S("kernel.kexec_load_disabled", "1", "kexec cannot load a new kernel").needs(y("KEXEC_CORE")),
      S("kernel.modules_disabled", "1", "no module loading once boot is done").needs(y("MODULES")),
      S("kernel.unprivileged_bpf_disabled", "1", "no eBPF for unprivileged users").needs(y("BPF_SYSCALL")),
      S("net.core.bpf_jit_harden", "2", "JIT output hardened against spraying").needs(y("BPF_JIT")),
      S("vm.unprivileged_userfaultfd", "0", "userfaultfd cannot be used to win races").needs(y("USERFAULTFD")),
      S("user.max_user_namespaces", "0", "no user namespaces, a large attack surface").needs(y("USER_NS")),
      S("dev.tty.ldisc_autoload", "0", "no line discipline autoloading").needs(y("TTY")),
      S("dev.tty.legacy_tiocsti", "0", "no TIOCSTI keystroke injection")
          .needs(y("TTY"))
          .since("6.2"),
      S("kernel.randomize_va_space", "2", "full user address space randomization"),
      S("kernel.yama.ptrace_scope", "3", "no ptrace attach at all").needs(y("SECURITY_YAMA")),
      S("fs.protected_symlinks", "1", "no symlink tricks in sticky world-writable directories"),
      S("fs.protected_hardlinks", "1", "no hard links to files the user cannot access"),
      S("fs.protected_fifos", "2", "no opening others' FIFOs in sticky directories"),
      S("fs.protected_regular", "2", "no opening others' files in sticky directories"),
      S("fs.suid_dumpable", "0", "processes that changed privileges do not dump core").needs(y("COREDUMP")),
      S("vm.mmap_min_addr", "65536", "the first 64 KiB stay unmapped").needs(y("MMU")).x86(),
      S("vm.mmap_min_addr", "32768", "the first 32 KiB stay unmapped").needs(y("MMU")).arm64(),
      // Added in 6.2 and taken into 6.1.y early in 2023; 6.1.11 is a safe lower bound.
      S("kernel.warn_limit", "1", "the first WARN reboots the machine").since("6.1.11"),
      S("kernel.oops_limit", "1", "the first oops reboots the machine").since("6.1.11"),
  };
}

}  // namespace

const std::vector<SysctlRule>& sysctl_rules() {
  static const std::vector<SysctlRule> table = build_table();
  return table;
}

}  // namespace bronze::kspp
