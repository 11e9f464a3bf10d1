// The kernel command line KSPP recommends, and what must never be on it.
// Checked only when the caller supplies the command line the boot loader uses.
#include "kernel/audit/rules.h"

namespace bronze::kspp {

namespace {

struct C {
  CmdlineRule rule;

  C(CmdlineRule::Kind kind, std::string key, std::string value, std::string reason) {
    rule.kind = kind;
    rule.key = std::move(key);
    rule.value = std::move(value);
    rule.reason = std::move(reason);
  }
  C& needs(Condition prerequisite) {
    rule.prerequisites.push_back(std::move(prerequisite));
    return *this;
  }
  C& x86() {
    rule.arch = Arch::X86_64;
    return *this;
  }
  C& since(std::string version) {
    rule.versions.since = std::move(version);
    return *this;
  }
  C& stable() {
    rule.versions.stable_backports = true;
    return *this;
  }
  operator CmdlineRule() const { return rule; }
};

C flag(std::string key, std::string reason) { return C(CmdlineRule::Kind::Flag, std::move(key), "", std::move(reason)); }
C value(std::string key, std::string wanted, std::string reason) {
  return C(CmdlineRule::Kind::Value, std::move(key), std::move(wanted), std::move(reason));
}
C forbidden(std::string key, std::string reason) {
  return C(CmdlineRule::Kind::Forbidden, std::move(key), "", std::move(reason));
}
C forbidden_value(std::string key, std::string bad, std::string reason) {
  return C(CmdlineRule::Kind::ForbiddenValue, std::move(key), std::move(bad), std::move(reason));
}

std::vector<CmdlineRule> build_table() {
  return {
      flag("slab_nomerge", "slab caches stay unmerged even if the build default changes"),
      value("init_on_alloc", "1", "allocations are zeroed whatever the build default"),
      value("init_on_free", "1", "freed memory is wiped whatever the build default"),
      value("page_alloc.shuffle", "1", "turns on page allocator randomization").needs(y("SHUFFLE_PAGE_ALLOCATOR")),
      value("hardened_usercopy", "1", "usercopy checks stay on").needs(y("HARDENED_USERCOPY")),
      value("randomize_kstack_offset", "on", "stack offset randomization stays on")
          .needs(y("RANDOMIZE_KSTACK_OFFSET")),
      value("kfence.sample_interval", "100", "KFENCE sampling stays on").needs(y("KFENCE")),
      value("lockdown", "confidentiality", "the strictest lockdown mode").needs(y("SECURITY_LOCKDOWN_LSM")),
      value("efi", "disable_early_pci_dma", "no device DMA before the IOMMU is set up").needs(y("EFI")),
      value("proc_mem.force_override", "never", "/proc/PID/mem cannot force writes")
          .since("6.12")
          .stable()
          .needs(offered("PROC_MEM_NO_FORCE")),
      value("iommu.passthrough", "0", "devices are translated by the IOMMU").needs(y("IOMMU_SUPPORT")),
      value("iommu.strict", "1", "IOTLB flushed on every unmap").needs(y("IOMMU_SUPPORT")),
      flag("nosmt", "no SMT siblings, closing cross-thread side channels").needs(y("HOTPLUG_SMT")),
      value("mitigations", "auto,nosmt", "every CPU mitigation on, SMT off where a flaw needs it").x86(),
      value("pti", "on", "page table isolation even on CPUs that claim immunity")
          .needs(any_of({y("MITIGATION_PAGE_TABLE_ISOLATION"), y("PAGE_TABLE_ISOLATION")}))
          .x86(),
      value("intel_iommu", "on", "the Intel IOMMU is on").needs(y("INTEL_IOMMU")).x86(),
      // Without X86_VSYSCALL_EMULATION there is no vsyscall page to turn off.
      value("vsyscall", "none", "no fixed-address vsyscall page").needs(y("X86_VSYSCALL_EMULATION")).x86(),
      value("vdso32", "0", "no 32-bit vDSO at a fixed address").needs(y("IA32_EMULATION")).x86(),
      value("ia32_emulation", "0", "32-bit system calls off at boot").needs(y("IA32_EMULATION")).x86().since("6.7"),
      value("cfi", "kcfi", "pure kCFI rather than the weaker FineIBT")
          .needs(any_of({y("CFI"), y("CFI_CLANG")}))
          .x86()
          .since("6.2"),
      forbidden("nokaslr", "turns kernel address randomization off"),
      forbidden("nopti", "turns page table isolation off"),
      forbidden("nosmep", "lets the kernel execute user memory"),
      forbidden("nosmap", "lets the kernel read user memory unchecked"),
      forbidden("nospectre_*", "turns a Spectre mitigation off"),
      forbidden("norandmaps", "turns user address space randomization off"),
      forbidden_value("mitigations", "off", "turns every CPU mitigation off"),
  };
}

}  // namespace

const std::vector<CmdlineRule>& cmdline_rules() {
  static const std::vector<CmdlineRule> table = build_table();
  return table;
}

}  // namespace bronze::kspp
