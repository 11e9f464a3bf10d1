// The KSPP kconfig recommendations for common, x86_64 and arm64 kernels, in
// our own table. Sources: the KSPP "Recommended Settings" page and the rule set
// of kernel-hardening-checker, checked against Debian bookworm's 6.1 sources.
//
// Conventions:
// - The first condition is KSPP's recommendation; or_() adds accepted
//   equivalents ("or the feature is absent").
// - renamed() lists older names of the same option; the rule checks whichever
//   name the config uses.
// - needs() makes the rule N/A when Kconfig could not offer the option
//   (compiler, another option); offered(X) means "Kconfig wrote X at all".
// - since()/until() are mainline releases; stable() marks fixes that stable
//   series picked up, judged by whether the config offers them.
#include "kernel/audit/rules.h"

namespace bronze::kspp {

namespace {

// A fluent builder, so that each table entry reads as one sentence.
struct R {
  KconfigRule rule;

  R(Condition wanted, std::string reason) {
    rule.option = wanted.option;
    rule.one_of.push_back(std::move(wanted));
    rule.reason = std::move(reason);
  }
  R& or_(Condition alternative) {
    rule.one_of.push_back(std::move(alternative));
    return *this;
  }
  R& renamed(std::string older_name) {
    rule.renamed_from.push_back(std::move(older_name));
    return *this;
  }
  R& needs(Condition prerequisite) {
    rule.prerequisites.push_back(std::move(prerequisite));
    return *this;
  }
  R& x86() {
    rule.arch = Arch::X86_64;
    return *this;
  }
  R& arm64() {
    rule.arch = Arch::Arm64;
    return *this;
  }
  R& since(std::string version) {
    rule.versions.since = std::move(version);
    return *this;
  }
  R& until(std::string version) {
    rule.versions.until = std::move(version);
    return *this;
  }
  R& stable() {
    rule.versions.stable_backports = true;
    return *this;
  }
  operator KconfigRule() const { return rule; }
};

Condition modules_off() { return not_set("MODULES"); }
Condition efi_off() { return not_set("EFI"); }
Condition gcc() { return y("CC_IS_GCC"); }
Condition clang() { return y("CC_IS_CLANG"); }
Condition intel() { return y("CPU_SUP_INTEL"); }
Condition amd() { return y("CPU_SUP_AMD"); }
Condition selinux() { return y("SECURITY_SELINUX"); }
Condition stack_erase_on() { return any_of({y("KSTACK_ERASE"), y("GCC_PLUGIN_STACKLEAK")}); }
Condition cfi_on() { return any_of({y("CFI"), y("CFI_CLANG")}); }

std::vector<KconfigRule> build_table() {
  return {
      // --- Memory protections and integrity checks -----------------------
      R(y("BUG"), "BUG() kills the offending task instead of running on with corrupted state"),
      R(y("STRICT_KERNEL_RWX"), "kernel text and read-only data are not writable, data is not executable"),
      R(y("DEBUG_WX"), "reports at boot any kernel mapping that is both writable and executable"),
      R(y("STACKPROTECTOR"), "stack canaries catch overwritten return addresses"),
      R(y("STACKPROTECTOR_STRONG"), "canaries in every function with arrays or address-taken locals"),
      R(y("VMAP_STACK"), "kernel stacks get guard pages, so an overflow faults instead of corrupting memory"),
      R(y("SCHED_STACK_END_CHECK"), "detects a kernel stack overrun at the next schedule"),
      R(y("LIST_HARDENED"), "cheap integrity checks on linked-list pointers").since("6.6"),
      R(y("DEBUG_LIST"), "checks list pointers on every insert and delete"),
      R(y("DEBUG_CREDENTIALS"), "checks credential structures for misuse").until("6.7").stable(),
      R(y("DEBUG_NOTIFIERS"), "checks that notifier callbacks point into kernel text"),
      R(y("DEBUG_SG"), "checks scatter-gather tables for corruption"),
      R(y("DEBUG_VIRTUAL"), "validates virtual-to-physical address conversions"),
      R(y("BUG_ON_DATA_CORRUPTION"), "detected data-structure corruption stops the task instead of warning"),
      R(y("REFCOUNT_FULL"), "saturating reference counts (unconditional since 5.5)").until("5.5"),
      R(y("FORTIFY_SOURCE"), "bounds-checks string and memory functions at build and run time"),
      R(y("HARDENED_USERCOPY"), "bounds-checks copies between kernel and user memory"),
      R(not_set("HARDENED_USERCOPY_FALLBACK"), "usercopy whitelist violations are refused, not just logged")
          .needs(y("HARDENED_USERCOPY"))
          .until("5.16"),
      R(not_set("HARDENED_USERCOPY_PAGESPAN"), "a debugging check with no security value")
          .needs(y("HARDENED_USERCOPY"))
          .until("5.18"),
      R(y("HARDENED_USERCOPY_DEFAULT_ON"), "usercopy checks cannot be left off by default")
          .needs(offered("HARDENED_USERCOPY_DEFAULT_ON"))
          .since("6.2"),
      // --- Heap and page allocator ------------------------------------------
      R(y("SLUB_DEBUG"), "allows allocator consistency checks to be turned on (slub_debug)"),
      R(y("SLAB_FREELIST_RANDOM"), "randomized slab freelists make heap layout unpredictable"),
      R(y("SLAB_FREELIST_HARDENED"), "obfuscated freelist pointers resist freelist corruption"),
      R(y("RANDOM_KMALLOC_CACHES"), "spreads kmalloc objects over several caches at random").since("6.6"),
      R(y("SLAB_BUCKETS"), "separate slab buckets for user-controlled allocations").since("6.11"),
      R(not_set("SLAB_MERGE_DEFAULT"), "unmerged slab caches keep an overflow away from objects of other types"),
      R(y("SHUFFLE_PAGE_ALLOCATOR"), "randomizes the page allocator's free lists (with page_alloc.shuffle=1)"),
      R(y("PAGE_TABLE_CHECK"), "checks user page tables for pages mapped writable twice")
          .needs(y("ARCH_SUPPORTS_PAGE_TABLE_CHECK"))
          .needs(any_of({not_set("DEVMEM"), y("STRICT_DEVMEM")}))
          .since("5.17"),
      R(y("PAGE_TABLE_CHECK_ENFORCED"), "page table checks are on without a boot parameter")
          .needs(y("PAGE_TABLE_CHECK"))
          .since("5.17"),
      R(y("INIT_ON_ALLOC_DEFAULT_ON"), "allocations are zeroed, so stale data cannot leak"),
      R(y("INIT_ON_FREE_DEFAULT_ON"), "freed memory is wiped, shortening the life of secrets"),
      R(y("INIT_STACK_ALL_ZERO"), "stack variables start zeroed, so uninitialized reads leak nothing")
          .or_(y("GCC_PLUGIN_STRUCTLEAK_BYREF_ALL")),
      R(y("KFENCE"), "low-overhead sampling detector for heap out-of-bounds and use-after-free").since("5.12"),
      R(is("KFENCE_SAMPLE_INTERVAL", "100"), "KFENCE samples an allocation every 100 ms")
          .needs(y("KFENCE"))
          .since("5.12"),
      R(y("ZERO_CALL_USED_REGS"), "clears caller-used registers on return: fewer ROP gadgets, less stale data")
          .needs(y("CC_HAS_ZERO_CALL_USED_REGS"))
          .since("5.15"),
      R(y("RANDOMIZE_KSTACK_OFFSET"), "the kernel stack offset changes on every system call")
          .needs(y("HAVE_ARCH_RANDOMIZE_KSTACK_OFFSET"))
          .since("5.13"),
      R(y("RANDOMIZE_KSTACK_OFFSET_DEFAULT"), "kernel stack offset randomization is on without a boot parameter")
          .needs(y("HAVE_ARCH_RANDOMIZE_KSTACK_OFFSET"))
          .since("5.13"),
      R(y("RANDSTRUCT_FULL"), "randomized structure layout: exploits cannot hard-code field offsets")
          .renamed("GCC_PLUGIN_RANDSTRUCT"),

      // --- Sanitizers in trap mode --------------------------------------------
      R(y("UBSAN"), "the undefined-behaviour sanitizer, needed for array bounds checking"),
      R(y("UBSAN_BOUNDS"), "out-of-bounds array indexing is caught").needs(y("UBSAN")),
      R(y("UBSAN_TRAP"), "a sanitizer hit traps instead of printing and carrying on").needs(y("UBSAN")),
      R(y("UBSAN_SANITIZE_ALL"), "the whole kernel is instrumented, not opted-in files only")
          .needs(y("UBSAN"))
          .until("6.9"),
      R(y("UBSAN_LOCAL_BOUNDS"), "bounds checks on local arrays (clang; part of UBSAN_BOUNDS with gcc)")
          .needs(y("UBSAN_BOUNDS"))
          .needs(clang()),
      R(not_set("UBSAN_SHIFT"), "only bounds checks: other UBSAN checks add overhead and noise"),
      R(not_set("UBSAN_DIV_ZERO"), "only bounds checks: other UBSAN checks add overhead and noise"),
      R(not_set("UBSAN_UNREACHABLE"), "only bounds checks: other UBSAN checks add overhead and noise"),
      R(not_set("UBSAN_BOOL"), "only bounds checks: other UBSAN checks add overhead and noise"),
      R(not_set("UBSAN_ENUM"), "only bounds checks: other UBSAN checks add overhead and noise"),
      R(not_set("UBSAN_ALIGNMENT"), "only bounds checks: other UBSAN checks add overhead and noise"),

      // --- Compiler plugins and control flow ----------------------------------
      R(y("GCC_PLUGINS"), "gcc plugins carry the entropy, structleak and stack-erase hardening").needs(gcc()),
      R(y("GCC_PLUGIN_LATENT_ENTROPY"), "gathers extra boot-time entropy on machines with few sources")
          .needs(y("GCC_PLUGINS")),
      R(y("KSTACK_ERASE"), "wipes the kernel stack on return to user space")
          .renamed("GCC_PLUGIN_STACKLEAK")
          .needs(any_of({y("HAVE_ARCH_KSTACK_ERASE"), y("HAVE_ARCH_STACKLEAK")}))
          .needs(any_of({gcc(), offered("KSTACK_ERASE")})),
      R(not_set("KSTACK_ERASE_METRICS"), "stack-erase metrics expose stack depth to user space")
          .renamed("STACKLEAK_METRICS")
          .needs(stack_erase_on()),
      R(not_set("KSTACK_ERASE_RUNTIME_DISABLE"), "stack erasing cannot be switched off at run time")
          .renamed("STACKLEAK_RUNTIME_DISABLE")
          .needs(stack_erase_on()),
      R(y("CFI"), "forward-edge control-flow integrity for indirect calls (clang)")
          .renamed("CFI_CLANG")
          .needs(clang())
          .since("6.1"),
      R(not_set("CFI_PERMISSIVE"), "a CFI violation stops the kernel instead of only warning").needs(cfi_on()),
      R(not_set("CFI_AUTO_DEFAULT"), "pure kCFI rather than the weaker FineIBT default")
          .needs(cfi_on())
          .needs(offered("CFI_AUTO_DEFAULT"))
          .x86()
          .since("6.2"),
      R(y("SHADOW_CALL_STACK"), "return addresses kept on a separate shadow stack")
          .needs(y("ARCH_SUPPORTS_SHADOW_CALL_STACK"))
          .arm64(),
      R(y("UNWIND_PATCH_PAC_INTO_SCS"), "shadow call stack only where pointer authentication is missing")
          .needs(y("SHADOW_CALL_STACK"))
          .arm64()
          .since("6.3"),

      // --- Security modules and lockdown --------------------------------------
      R(y("SECURITY"), "the security module framework Yama, Landlock and lockdown need"),
      R(y("SECURITY_YAMA"), "restricts ptrace to descendants (kernel.yama.ptrace_scope)"),
      R(y("SECURITY_LANDLOCK"), "unprivileged programs can sandbox themselves").since("5.13"),
      R(contains_words("LSM", "landlock,lockdown,yama"), "security modules missing from the boot list stay inactive")
          .since("5.1"),
      R(y("SECURITY_LOCKDOWN_LSM"), "a bright line between root and kernel memory").since("5.4"),
      R(y("SECURITY_LOCKDOWN_LSM_EARLY"), "lockdown is active before anything else runs").since("5.4"),
      R(y("LOCK_DOWN_KERNEL_FORCE_CONFIDENTIALITY"), "root can neither read nor alter kernel memory").since("5.4"),
      R(y("SECURITY_DMESG_RESTRICT"), "unprivileged users cannot read kernel addresses from dmesg"),
      R(not_set("SECURITY_SELINUX_BOOTPARAM"), "SELinux cannot be turned off from the command line")
          .needs(selinux()),
      R(not_set("SECURITY_SELINUX_DEVELOP"), "SELinux cannot boot in permissive mode").needs(selinux()),
      R(not_set("SECURITY_SELINUX_DEBUG"), "no SELinux debugging hooks in production")
          .needs(selinux())
          .needs(offered("SECURITY_SELINUX_DEBUG")),
      R(not_set("SECURITY_SELINUX_DISABLE"), "SELinux cannot be disabled at run time, so its hooks stay read-only")
          .needs(selinux())
          .until("6.4"),
      R(not_set("SECURITY_WRITABLE_HOOKS"), "security module hooks stay read-only after boot").until("6.4"),
      R(y("STATIC_USERMODEHELPER"), "the kernel runs one fixed helper, never a path written by an attacker"),
      R(y("PROC_MEM_NO_FORCE"), "/proc/PID/mem cannot force writes into read-only mappings")
          .since("6.12")
          .stable(),

      // --- Hardware, firmware and DMA -----------------------------------------
      R(y("EFI_DISABLE_PCI_DMA"), "no device DMA between EFI hand-off and IOMMU setup").or_(efi_off()),
      R(y("RESET_ATTACK_MITIGATION"), "firmware wipes RAM after an unclean reboot").or_(efi_off()),
      R(y("IOMMU_SUPPORT"), "the IOMMU keeps devices from DMA into arbitrary memory"),
      R(y("IOMMU_DEFAULT_DMA_STRICT"), "IOTLB flushed on every unmap: no stale device access")
          .needs(y("IOMMU_SUPPORT"))
          .since("5.15"),
      R(not_set("IOMMU_DEFAULT_PASSTHROUGH"), "devices are translated, not given the whole of memory"),
      R(y("HW_RANDOM_TPM"), "feeds the TPM's random numbers into the kernel's pool")
          .needs(y("TCG_TPM"))
          .needs(y("HW_RANDOM")),
      R(y("RANDOM_TRUST_BOOTLOADER"), "credits the boot loader's seed to the entropy pool")
          .needs(offered("RANDOM_TRUST_BOOTLOADER")),
      R(y("RANDOM_TRUST_CPU"), "credits the CPU's random instructions to the entropy pool")
          .needs(offered("RANDOM_TRUST_CPU")),
      R(y("SYN_COOKIES"), "SYN floods cannot exhaust the listen queue"),
      R(y("CPU_MITIGATIONS"), "the CPU vulnerability mitigations are built in")
          .renamed("SPECULATION_MITIGATIONS")
          .since("6.9")
          .stable(),
      R(y("SCHED_CORE"), "core scheduling keeps untrusted tasks off sibling hyperthreads")
          .needs(y("SCHED_SMT"))
          .since("5.14"),

      // --- Panic policy ---------------------------------------------------------
      R(y("PANIC_ON_OOPS"), "an oops leaves the kernel in an unknown state: stop it"),
      R(is("PANIC_TIMEOUT", "-1"), "reboot at once after a panic"),
      R(is("MAGIC_SYSRQ_DEFAULT_ENABLE", "176"), "SysRq limited to sync, remount read-only and reboot")
          .or_(not_set("MAGIC_SYSRQ")),

      // --- Modules ----------------------------------------------------------------
      R(not_set("MODULES"), "no loadable modules: root cannot insert code into the running kernel"),
      R(y("STRICT_MODULE_RWX"), "module text and read-only data are not writable").needs(y("MODULES")),
      R(y("MODULE_SIG"), "modules carry signatures").or_(modules_off()),
      R(y("MODULE_SIG_FORCE"), "unsigned modules are refused, not just flagged").or_(modules_off()),
      R(y("MODULE_SIG_ALL"), "every module built is signed").or_(modules_off()),
      R(y("MODULE_SIG_SHA512"), "modules are signed with a strong hash")
          .or_(y("MODULE_SIG_SHA3_512"))
          .or_(modules_off()),
      R(is("MODULE_SIG_HASH", "sha512"), "modules are signed with a strong hash")
          .or_(is("MODULE_SIG_HASH", "sha3-512"))
          .or_(modules_off()),
      R(is("MODULE_SIG_KEY", "certs/signing_key.pem"), "modules are signed with a key made for this build")
          .or_(modules_off()),
      R(not_set("MODULE_FORCE_LOAD"), "module version checks cannot be bypassed"),

      // --- Attack surface -----------------------------------------------------------
      R(not_set("DEVMEM"), "/dev/mem gives root raw access to physical memory"),
      R(y("STRICT_DEVMEM"), "if /dev/mem exists, it cannot reach RAM").or_(not_set("DEVMEM")),
      R(y("IO_STRICT_DEVMEM"), "if /dev/mem exists, it cannot reach device memory a driver owns")
          .or_(not_set("DEVMEM")),
      R(not_set("DEVKMEM"), "/dev/kmem writes kernel memory directly").until("5.13"),
      R(not_set("ACPI_CUSTOM_METHOD"), "lets root write arbitrary physical memory through ACPI"),
      R(not_set("COMPAT_BRK"), "keeps heap (brk) randomization on"),
      R(not_set("PROC_KCORE"), "/proc/kcore exposes kernel memory and layout"),
      R(not_set("KEXEC"), "kexec replaces the running kernel"),
      R(not_set("HIBERNATION"), "a hibernation image lets the kernel be replaced or read offline"),
      R(not_set("INET_DIAG"), "socket diagnostics have leaked kernel addresses"),
      R(not_set("BINFMT_MISC"), "arbitrary interpreters are easily misconfigured from user space"),
      R(not_set("LEGACY_PTYS"), "only the modern devpts PTY interface"),
      R(not_set("LEGACY_TIOCSTI"), "no TIOCSTI keystroke injection into terminals").since("6.2"),
      R(not_set("LDISC_AUTOLOAD"), "unprivileged users cannot load rarely used line disciplines").since("5.1"),
      R(y("SECCOMP"), "programs can drop system calls they never use"),
      R(y("SECCOMP_FILTER"), "seccomp with BPF filters, as container runtimes use it"),
      R(y("BPF_UNPRIV_DEFAULT_OFF"), "unprivileged eBPF is off from boot").or_(not_set("BPF_SYSCALL")).since("5.13"),
      R(not_set("COMPAT"), "no 32-bit system call layer: less attack surface"),
      R(at_least_option("ARCH_MMAP_RND_BITS", "ARCH_MMAP_RND_BITS_MAX"), "the most address-space randomization the arch allows")
          .needs(y("HAVE_ARCH_MMAP_RND_BITS")),

      // --- x86_64 -------------------------------------------------------------------
      R(at_least("DEFAULT_MMAP_MIN_ADDR", 65536), "the first 64 KiB stay unmapped against NULL dereferences").x86(),
      R(at_least("LSM_MMAP_MIN_ADDR", 65536), "SELinux keeps the first 64 KiB unmapped too").needs(selinux()).x86(),
      R(y("RANDOMIZE_BASE"), "the kernel's load address is randomized (KASLR)"),
      R(y("RANDOMIZE_MEMORY"), "kernel memory regions are randomized").x86(),
      R(not_set("X86_MSR"), "no raw model-specific register writes from user space").x86(),
      R(not_set("X86_VSYSCALL_EMULATION"), "no fixed-address vsyscall page to aim ROP at").x86(),
      R(y("LEGACY_VSYSCALL_NONE"), "no vsyscall page by default").x86(),
      R(not_set("COMPAT_VDSO"), "keeps the 32-bit vDSO randomized").x86(),
      R(not_set("IA32_EMULATION"), "no 32-bit system calls").x86(),
      R(not_set("X86_X32_ABI"), "no x32 system call ABI").renamed("X86_X32").x86(),
      R(not_set("MODIFY_LDT_SYSCALL"), "no user-defined segment descriptors").x86(),
      R(y("X86_UMIP"), "user space cannot read descriptor table addresses").renamed("X86_INTEL_UMIP").x86(),
      R(y("X86_KERNEL_IBT"), "indirect branch tracking in the kernel (CET)").needs(y("CC_HAS_IBT")).x86().since("5.18"),
      R(y("X86_USER_SHADOW_STACK"), "user space can use CET shadow stacks").x86().since("6.6"),
      R(y("INTEL_IOMMU"), "DMA isolation on Intel machines").x86(),
      R(y("INTEL_IOMMU_DEFAULT_ON"), "the Intel IOMMU is on without a boot parameter").needs(y("INTEL_IOMMU")).x86(),
      R(y("INTEL_IOMMU_SVM"), "shared virtual memory through the IOMMU, not around it").needs(y("INTEL_IOMMU")).x86(),
      R(y("AMD_IOMMU"), "DMA isolation on AMD machines").x86(),
      R(y("AMD_IOMMU_V2"), "PASID and PRI devices go through the AMD IOMMU")
          .needs(y("AMD_IOMMU"))
          .x86()
          .until("6.7"),
      R(y("MITIGATION_PAGE_TABLE_ISOLATION"), "separate user page tables (Meltdown and KASLR leaks)")
          .renamed("PAGE_TABLE_ISOLATION")
          .x86(),
      R(y("MITIGATION_RETPOLINE"), "indirect branches through retpolines (Spectre v2)").renamed("RETPOLINE").x86(),
      R(y("MITIGATION_RETHUNK"), "returns through a return thunk (Retbleed)")
          .renamed("RETHUNK")
          .needs(y("CC_HAS_RETURN_THUNK"))
          .x86()
          .since("5.19")
          .stable(),
      R(y("MITIGATION_UNRET_ENTRY"), "untrained return on kernel entry (AMD Retbleed)")
          .renamed("CPU_UNRET_ENTRY")
          .needs(amd())
          .x86()
          .since("5.19")
          .stable(),
      R(y("MITIGATION_IBPB_ENTRY"), "branch predictor barrier on kernel entry (AMD Retbleed)")
          .renamed("CPU_IBPB_ENTRY")
          .needs(amd())
          .x86()
          .since("5.19")
          .stable(),
      R(y("MITIGATION_IBRS_ENTRY"), "restricted indirect speculation on kernel entry (Intel Retbleed)")
          .renamed("CPU_IBRS_ENTRY")
          .needs(intel())
          .x86()
          .since("5.19")
          .stable(),
      R(y("MITIGATION_SRSO"), "speculative return stack overflow mitigation (AMD Inception)")
          .renamed("CPU_SRSO")
          .needs(amd())
          .x86()
          .since("6.5")
          .stable(),
      R(y("MITIGATION_SLS"), "traps after returns and jumps against straight-line speculation")
          .renamed("SLS")
          .needs(y("CC_HAS_SLS"))
          .x86(),
      R(y("MITIGATION_RFDS"), "register file data sampling mitigation (Intel Atom)")
          .needs(intel())
          .x86()
          .since("6.9")
          .stable(),
      R(y("MITIGATION_SPECTRE_BHI"), "branch history injection mitigation (Intel)")
          .needs(intel())
          .x86()
          .since("6.9")
          .stable(),
      R(y("MITIGATION_ITS"), "indirect target selection mitigation (Intel)")
          .needs(intel())
          .x86()
          .since("6.15")
          .stable(),
      R(y("MITIGATION_TSA"), "transient scheduler attacks mitigation (AMD)")
          .needs(amd())
          .x86()
          .since("6.16")
          .stable(),
      R(y("MITIGATION_SPECTRE_V1"), "Spectre v1 mitigation can be chosen at build time").x86().since("6.12").stable(),
      R(y("MITIGATION_SPECTRE_V2"), "Spectre v2 mitigation can be chosen at build time").x86().since("6.12").stable(),
      R(y("MITIGATION_SSB"), "speculative store bypass mitigation").x86().since("6.12").stable(),
      R(y("MITIGATION_MDS"), "microarchitectural data sampling mitigation (Intel)")
          .needs(intel())
          .x86()
          .since("6.12")
          .stable(),
      R(y("MITIGATION_TAA"), "TSX asynchronous abort mitigation (Intel)").needs(intel()).x86().since("6.12").stable(),
      R(y("MITIGATION_MMIO_STALE_DATA"), "MMIO stale data mitigation (Intel)")
          .needs(intel())
          .x86()
          .since("6.12")
          .stable(),
      R(y("MITIGATION_L1TF"), "L1 terminal fault mitigation (Intel)").needs(intel()).x86().since("6.12").stable(),
      R(y("MITIGATION_RETBLEED"), "Retbleed mitigation can be chosen at build time").x86().since("6.12").stable(),
      R(y("MITIGATION_SRBDS"), "special register buffer data sampling mitigation (Intel)")
          .needs(intel())
          .x86()
          .since("6.12")
          .stable(),
      R(y("MITIGATION_GDS"), "gather data sampling mitigation (Intel)").needs(intel()).x86().since("6.12").stable(),

      // --- arm64 --------------------------------------------------------------------
      R(at_least("DEFAULT_MMAP_MIN_ADDR", 32768), "the first 32 KiB stay unmapped (the arm loader needs the rest)")
          .arm64(),
      R(at_least("LSM_MMAP_MIN_ADDR", 32768), "SELinux keeps the first 32 KiB unmapped too").needs(selinux()).arm64(),
      R(y("ARM64_SW_TTBR0_PAN"), "emulated PAN: the kernel cannot touch user memory by accident").arm64(),
      R(y("ARM64_PAN"), "hardware privileged-access-never").arm64(),
      R(y("ARM64_EPAN"), "enhanced PAN also covers execute-only user mappings").arm64().since("5.13"),
      R(y("UNMAP_KERNEL_AT_EL0"), "kernel unmapped while user space runs (Meltdown, KASLR leaks)").arm64(),
      R(y("HARDEN_BRANCH_PREDICTOR"), "branch predictor hardening (unconditional since 5.10)")
          .or_(kernel_at_least("5.10"))
          .arm64(),
      R(y("HARDEN_EL2_VECTORS"), "hypervisor vector randomization (part of RANDOMIZE_BASE since 5.9)")
          .or_(kernel_at_least("5.9"))
          .arm64(),
      R(y("MITIGATE_SPECTRE_BRANCH_HISTORY"), "Spectre-BHB mitigation").arm64().since("5.18").stable(),
      R(y("RODATA_FULL_DEFAULT_ENABLED"), "read-only data protection also in the linear map").arm64(),
      R(y("RANDOMIZE_MODULE_REGION_FULL"), "modules randomized over a 2 GiB window")
          .needs(y("RANDOMIZE_BASE"))
          .needs(y("MODULES"))
          .arm64(),
      R(y("STACKPROTECTOR_PER_TASK"), "a separate stack canary per task").needs(y("CC_HAVE_STACKPROTECTOR_SYSREG")).arm64(),
      R(y("ARM64_PTR_AUTH"), "pointer authentication for user space (ARMv8.3)").arm64(),
      R(y("ARM64_PTR_AUTH_KERNEL"), "return addresses signed in the kernel (ARMv8.3)")
          .needs(y("ARM64_PTR_AUTH"))
          .needs(offered("ARM64_PTR_AUTH_KERNEL"))
          .arm64(),
      R(y("ARM64_BTI"), "branch target identification for user space (ARMv8.5)").arm64(),
      R(y("ARM64_BTI_KERNEL"), "branch target identification in the kernel (6.1 offers it with clang only)")
          .needs(y("ARM64_BTI"))
          .needs(offered("ARM64_BTI_KERNEL"))
          .arm64(),
      R(y("ARM64_E0PD"), "user space cannot probe kernel addresses (ARMv8.5)").arm64(),
      R(y("ARM64_MTE"), "memory tagging support (ARMv8.5)").needs(y("ARM64_TAGGED_ADDR_ABI")).arm64(),
      R(y("KASAN_HW_TAGS"), "MTE-based memory safety checks in the kernel").needs(y("ARM64_MTE")).arm64(),
      R(y("ARM64_GCS"), "guarded control stack for user space").arm64().since("6.13"),
  };
}

}  // namespace

const std::vector<KconfigRule>& kconfig_rules() {
  static const std::vector<KconfigRule> table = build_table();
  return table;
}

}  // namespace bronze::kspp
