// One fixture per rule shape: value, "is not set", numeric minimum, minimum
// taken from another option, string, list-contains, one-of, renamed option,
// prerequisite, version and arch gates, and exceptions.
#include <gtest/gtest.h>

#include <set>

#include "base/error.h"
#include "kernel/audit/kspp_audit.h"
#include "kernel/audit/rules.h"
#include "tests/support/kspp_test_support.h"

namespace bronze::kspp {
namespace {

using testing::audit_text;
using testing::header;

std::string amd64(const std::string& body, const std::string& version = "6.1.192") {
  return header("x86", version) + body;
}
std::string arm64(const std::string& body, const std::string& version = "6.1.192") {
  return header("arm64", version) + body;
}

Row row_of(const Report& report, const std::string& option) {
  const Row* row = report.find(option);
  if (!row) {
    ADD_FAILURE() << "the report has no row for " << option;
    return Row{.kind = "", .option = option, .wanted = "", .found = "", .outcome = Outcome::Fail, .reason = "missing", .exception = ""};
  }
  return *row;
}

int rows_named(const Report& report, const std::string& option) {
  int n = 0;
  for (const auto& row : report.rows) n += row.option == option ? 1 : 0;
  return n;
}

TEST(AuditTest, ValueRule) {
  auto on = audit_text(amd64("CONFIG_BUG=y\n"));
  EXPECT_EQ(row_of(on, "BUG").outcome, Outcome::Ok);
  EXPECT_EQ(row_of(on, "BUG").wanted, "y");
  EXPECT_EQ(row_of(on, "BUG").kind, "kconfig");
  EXPECT_FALSE(row_of(on, "BUG").reason.empty());

  auto off = audit_text(amd64("# CONFIG_BUG is not set\n"));
  EXPECT_EQ(row_of(off, "BUG").outcome, Outcome::Fail);
  EXPECT_EQ(row_of(off, "BUG").found, "is not set");

  auto absent = audit_text(amd64(""));
  EXPECT_EQ(row_of(absent, "BUG").outcome, Outcome::Fail);
  EXPECT_EQ(row_of(absent, "BUG").found, "absent");

  // A module is not the built-in the rule wants.
  auto module = audit_text(amd64("CONFIG_SECURITY_YAMA=m\n"));
  EXPECT_EQ(row_of(module, "SECURITY_YAMA").outcome, Outcome::Fail);
}

TEST(AuditTest, NotSetRule) {
  EXPECT_EQ(row_of(audit_text(amd64("# CONFIG_DEVMEM is not set\n")), "DEVMEM").outcome, Outcome::Ok);
  EXPECT_EQ(row_of(audit_text(amd64("")), "DEVMEM").outcome, Outcome::Ok);
  auto on = audit_text(amd64("CONFIG_DEVMEM=y\n"));
  EXPECT_EQ(row_of(on, "DEVMEM").outcome, Outcome::Fail);
  EXPECT_EQ(row_of(on, "DEVMEM").wanted, "is not set");
  EXPECT_EQ(row_of(on, "DEVMEM").found, "y");
}

TEST(AuditTest, NumericAtLeastRule) {
  EXPECT_EQ(row_of(audit_text(amd64("CONFIG_DEFAULT_MMAP_MIN_ADDR=65536\n")), "DEFAULT_MMAP_MIN_ADDR").outcome,
            Outcome::Ok);
  EXPECT_EQ(row_of(audit_text(amd64("CONFIG_DEFAULT_MMAP_MIN_ADDR=131072\n")), "DEFAULT_MMAP_MIN_ADDR").outcome,
            Outcome::Ok);
  auto low = audit_text(amd64("CONFIG_DEFAULT_MMAP_MIN_ADDR=4096\n"));
  EXPECT_EQ(row_of(low, "DEFAULT_MMAP_MIN_ADDR").outcome, Outcome::Fail);
  EXPECT_EQ(row_of(low, "DEFAULT_MMAP_MIN_ADDR").wanted, ">= 65536");
  EXPECT_EQ(row_of(audit_text(amd64("CONFIG_DEFAULT_MMAP_MIN_ADDR=banana\n")), "DEFAULT_MMAP_MIN_ADDR").outcome,
            Outcome::Fail);
  // arm64's loader needs the page above 32 KiB.
  EXPECT_EQ(row_of(audit_text(arm64("CONFIG_DEFAULT_MMAP_MIN_ADDR=32768\n")), "DEFAULT_MMAP_MIN_ADDR").outcome,
            Outcome::Ok);
}

TEST(AuditTest, AtLeastAnotherOptionRule) {
  const std::string base = "CONFIG_HAVE_ARCH_MMAP_RND_BITS=y\nCONFIG_ARCH_MMAP_RND_BITS_MAX=32\n";
  auto low = audit_text(amd64(base + "CONFIG_ARCH_MMAP_RND_BITS=28\n"));
  EXPECT_EQ(row_of(low, "ARCH_MMAP_RND_BITS").outcome, Outcome::Fail);
  EXPECT_EQ(row_of(low, "ARCH_MMAP_RND_BITS").wanted, ">= ARCH_MMAP_RND_BITS_MAX (32)");
  EXPECT_EQ(row_of(audit_text(amd64(base + "CONFIG_ARCH_MMAP_RND_BITS=32\n")), "ARCH_MMAP_RND_BITS").outcome,
            Outcome::Ok);
}

TEST(AuditTest, StringRules) {
  const std::string modules = "CONFIG_MODULES=y\n";
  auto weak = audit_text(amd64(modules + "CONFIG_MODULE_SIG_HASH=\"sha256\"\n"));
  EXPECT_EQ(row_of(weak, "MODULE_SIG_HASH").outcome, Outcome::Fail);
  EXPECT_EQ(row_of(weak, "MODULE_SIG_HASH").found, "\"sha256\"");
  EXPECT_EQ(row_of(audit_text(amd64(modules + "CONFIG_MODULE_SIG_HASH=\"sha512\"\n")), "MODULE_SIG_HASH").outcome,
            Outcome::Ok);
  EXPECT_EQ(row_of(audit_text(amd64("CONFIG_PANIC_TIMEOUT=-1\n")), "PANIC_TIMEOUT").outcome, Outcome::Ok);
  EXPECT_EQ(row_of(audit_text(amd64("CONFIG_PANIC_TIMEOUT=0\n")), "PANIC_TIMEOUT").outcome, Outcome::Fail);
}

TEST(AuditTest, NumbersCompareAcrossHexAndDecimal) {
  const std::string sysrq = "CONFIG_MAGIC_SYSRQ=y\n";
  EXPECT_EQ(row_of(audit_text(amd64(sysrq + "CONFIG_MAGIC_SYSRQ_DEFAULT_ENABLE=0xb0\n")), "MAGIC_SYSRQ_DEFAULT_ENABLE")
                .outcome,
            Outcome::Ok);
  EXPECT_EQ(row_of(audit_text(amd64(sysrq + "CONFIG_MAGIC_SYSRQ_DEFAULT_ENABLE=0x1\n")), "MAGIC_SYSRQ_DEFAULT_ENABLE")
                .outcome,
            Outcome::Fail);
}

TEST(AuditTest, ListContainsRule) {
  auto all = audit_text(amd64("CONFIG_LSM=\"lockdown,yama,apparmor,landlock\"\n"));
  EXPECT_EQ(row_of(all, "LSM").outcome, Outcome::Ok);
  EXPECT_EQ(row_of(all, "LSM").wanted, "contains landlock, lockdown, yama");

  auto missing = audit_text(amd64("CONFIG_LSM=\"lockdown,yama,apparmor\"\n"));
  EXPECT_EQ(row_of(missing, "LSM").outcome, Outcome::Fail);
  EXPECT_EQ(row_of(missing, "LSM").found, "\"lockdown,yama,apparmor\"");
  // A word inside another word does not count.
  EXPECT_EQ(row_of(audit_text(amd64("CONFIG_LSM=\"landlockx,lockdown,yama\"\n")), "LSM").outcome, Outcome::Fail);
}

TEST(AuditTest, OneOfRulePassesWhenTheFeatureIsAbsent) {
  auto no_modules = audit_text(amd64("# CONFIG_MODULES is not set\n"));
  EXPECT_EQ(row_of(no_modules, "MODULE_SIG_FORCE").outcome, Outcome::Ok);
  EXPECT_EQ(row_of(no_modules, "MODULE_SIG_FORCE").wanted, "y, or MODULES is not set");
  EXPECT_EQ(row_of(no_modules, "MODULE_SIG_FORCE").found, "absent; MODULES is not set");
  EXPECT_EQ(row_of(no_modules, "MODULES").outcome, Outcome::Ok);

  auto unsigned_modules = audit_text(amd64("CONFIG_MODULES=y\nCONFIG_MODULE_SIG=y\n# CONFIG_MODULE_SIG_FORCE is not set\n"));
  EXPECT_EQ(row_of(unsigned_modules, "MODULE_SIG_FORCE").outcome, Outcome::Fail);
  EXPECT_EQ(row_of(unsigned_modules, "MODULE_SIG_FORCE").found, "is not set");
  EXPECT_EQ(row_of(unsigned_modules, "MODULE_SIG").outcome, Outcome::Ok);
  EXPECT_EQ(row_of(unsigned_modules, "MODULES").outcome, Outcome::Fail);
}

TEST(AuditTest, RenamedOptionIsCheckedUnderItsOlderName) {
  auto old_name = audit_text(amd64("CONFIG_RETPOLINE=y\n"));
  EXPECT_EQ(row_of(old_name, "MITIGATION_RETPOLINE").outcome, Outcome::Ok);
  EXPECT_EQ(row_of(old_name, "MITIGATION_RETPOLINE").found, "y (as RETPOLINE)");

  EXPECT_EQ(row_of(audit_text(amd64("# CONFIG_RETPOLINE is not set\n")), "MITIGATION_RETPOLINE").outcome,
            Outcome::Fail);
  EXPECT_EQ(row_of(audit_text(amd64("CONFIG_MITIGATION_RETPOLINE=y\n", "6.9.0")), "MITIGATION_RETPOLINE").outcome,
            Outcome::Ok);

  // "Must be off" under an older name: the absent new name must not pass it.
  const std::string stackleak = "CONFIG_CC_IS_GCC=y\nCONFIG_HAVE_ARCH_STACKLEAK=y\nCONFIG_GCC_PLUGIN_STACKLEAK=y\n";
  auto metrics_on = audit_text(amd64(stackleak + "CONFIG_STACKLEAK_METRICS=y\n"));
  EXPECT_EQ(row_of(metrics_on, "KSTACK_ERASE_METRICS").outcome, Outcome::Fail);
  EXPECT_EQ(row_of(metrics_on, "KSTACK_ERASE").outcome, Outcome::Ok);
  auto metrics_off = audit_text(amd64(stackleak + "# CONFIG_STACKLEAK_METRICS is not set\n"));
  EXPECT_EQ(row_of(metrics_off, "KSTACK_ERASE_METRICS").outcome, Outcome::Ok);
}

TEST(AuditTest, PrerequisiteMakesARuleNotApplicable) {
  auto no_smt = audit_text(amd64("# CONFIG_SCHED_SMT is not set\n"));
  EXPECT_EQ(row_of(no_smt, "SCHED_CORE").outcome, Outcome::NotApplicable);
  EXPECT_EQ(row_of(no_smt, "SCHED_CORE").reason, "needs SCHED_SMT=y");

  auto smt = audit_text(amd64("CONFIG_SCHED_SMT=y\n# CONFIG_SCHED_CORE is not set\n"));
  EXPECT_EQ(row_of(smt, "SCHED_CORE").outcome, Outcome::Fail);

  // Compiler-dependent: gcc builds cannot have clang's CFI.
  auto gcc = audit_text(amd64("CONFIG_CC_IS_GCC=y\n"));
  EXPECT_EQ(row_of(gcc, "CFI").outcome, Outcome::NotApplicable);
  auto clang = audit_text(amd64("CONFIG_CC_IS_CLANG=y\n# CONFIG_CFI_CLANG is not set\n"));
  EXPECT_EQ(row_of(clang, "CFI").outcome, Outcome::Fail);
  EXPECT_EQ(row_of(clang, "CFI").found, "is not set (as CFI_CLANG)");
}

TEST(AuditTest, VersionGatedRules) {
  auto old_kernel = audit_text(amd64(""));
  EXPECT_EQ(row_of(old_kernel, "RANDOM_KMALLOC_CACHES").outcome, Outcome::NotApplicable);
  EXPECT_EQ(row_of(old_kernel, "RANDOM_KMALLOC_CACHES").reason, "added in Linux 6.6");
  EXPECT_EQ(row_of(old_kernel, "LIST_HARDENED").outcome, Outcome::NotApplicable);
  EXPECT_EQ(row_of(audit_text(amd64("", "6.6.30")), "RANDOM_KMALLOC_CACHES").outcome, Outcome::Fail);

  // Removed options stop applying; stable series dropped this one too, so a
  // config that no longer offers it is not asked for it.
  EXPECT_EQ(row_of(audit_text(amd64("# CONFIG_DEBUG_CREDENTIALS is not set\n", "6.1.192")), "DEBUG_CREDENTIALS").outcome,
            Outcome::Fail);
  EXPECT_EQ(row_of(audit_text(amd64("CONFIG_DEBUG_CREDENTIALS=y\n", "6.1.192")), "DEBUG_CREDENTIALS").outcome,
            Outcome::Ok);
  EXPECT_EQ(row_of(audit_text(amd64("", "6.6.10")), "DEBUG_CREDENTIALS").outcome, Outcome::NotApplicable);
  EXPECT_EQ(row_of(audit_text(amd64("", "6.8")), "DEBUG_CREDENTIALS").outcome, Outcome::NotApplicable);
  EXPECT_EQ(row_of(audit_text(amd64("", "6.8")), "DEBUG_CREDENTIALS").reason, "gone since Linux 6.7");
}

TEST(AuditTest, StableBackportsAreJudgedByWhatTheConfigOffers) {
  // 6.1.192 has CPU_SRSO (mainline: 6.5); an early 6.1 does not.
  const std::string amd = "CONFIG_CPU_SUP_AMD=y\n";
  auto off = audit_text(amd64(amd + "# CONFIG_CPU_SRSO is not set\n", "6.1.192"));
  EXPECT_EQ(row_of(off, "MITIGATION_SRSO").outcome, Outcome::Fail);
  EXPECT_EQ(row_of(off, "MITIGATION_SRSO").found, "is not set (as CPU_SRSO)");
  EXPECT_EQ(row_of(audit_text(amd64(amd + "CONFIG_CPU_SRSO=y\n", "6.1.192")), "MITIGATION_SRSO").outcome,
            Outcome::Ok);
  auto early = audit_text(amd64(amd, "6.1.10"));
  EXPECT_EQ(row_of(early, "MITIGATION_SRSO").outcome, Outcome::NotApplicable);
  EXPECT_NE(row_of(early, "MITIGATION_SRSO").reason.find("added in Linux 6.5"), std::string::npos);
  // From the mainline release on, a missing option is a failure.
  EXPECT_EQ(row_of(audit_text(amd64(amd, "6.6")), "MITIGATION_SRSO").outcome, Outcome::Fail);
}

TEST(AuditTest, KernelVersionAlternative) {
  // Branch predictor hardening became unconditional in 5.10.
  EXPECT_EQ(row_of(audit_text(arm64("", "6.1")), "HARDEN_BRANCH_PREDICTOR").outcome, Outcome::Ok);
  EXPECT_EQ(row_of(audit_text(arm64("", "5.4")), "HARDEN_BRANCH_PREDICTOR").outcome, Outcome::Fail);
  EXPECT_EQ(row_of(audit_text(arm64("CONFIG_HARDEN_BRANCH_PREDICTOR=y\n", "5.4")), "HARDEN_BRANCH_PREDICTOR").outcome,
            Outcome::Ok);
}

TEST(AuditTest, ArchGatedRules) {
  auto x86 = audit_text(amd64(""));
  EXPECT_EQ(row_of(x86, "ARM64_SW_TTBR0_PAN").outcome, Outcome::NotApplicable);
  EXPECT_EQ(row_of(x86, "ARM64_SW_TTBR0_PAN").reason, "arm64 only");
  EXPECT_EQ(row_of(x86, "X86_MSR").outcome, Outcome::Ok);

  auto arm = audit_text(arm64("CONFIG_X86_MSR=y\n# CONFIG_ARM64_SW_TTBR0_PAN is not set\n"));
  EXPECT_EQ(row_of(arm, "X86_MSR").outcome, Outcome::NotApplicable);
  EXPECT_EQ(row_of(arm, "X86_MSR").reason, "x86_64 only");
  EXPECT_EQ(row_of(arm, "ARM64_SW_TTBR0_PAN").outcome, Outcome::Fail);

  // An option with a value per arch shows one row, the one for this arch.
  EXPECT_EQ(rows_named(x86, "DEFAULT_MMAP_MIN_ADDR"), 1);
  EXPECT_EQ(row_of(x86, "DEFAULT_MMAP_MIN_ADDR").wanted, ">= 65536");
  EXPECT_EQ(rows_named(arm, "DEFAULT_MMAP_MIN_ADDR"), 1);
  EXPECT_EQ(row_of(arm, "DEFAULT_MMAP_MIN_ADDR").wanted, ">= 32768");
}

TEST(AuditTest, ArchAndVersionComeFromTheConfigOrTheOptions) {
  auto report = audit_text(amd64("", "6.1.192"));
  EXPECT_EQ(report.arch, "amd64");
  EXPECT_EQ(report.kernel_version.str(), "6.1.192");

  AuditOptions options;
  options.kernel_version = "6.6";
  EXPECT_EQ(audit_text(amd64("", "6.1.192"), options).kernel_version.str(), "6.6.0");

  options = {};
  options.arch = "arm64";
  options.kernel_version = "6.1";
  auto no_header = audit_text("CONFIG_BUG=y\n", options);
  EXPECT_EQ(no_header.arch, "arm64");
  EXPECT_EQ(row_of(no_header, "ARM64_SW_TTBR0_PAN").outcome, Outcome::Fail);
}

TEST(AuditTest, RefusesWhatItCannotJudge) {
  EXPECT_THROW(audit_text("# Linux/x86 6.1.1 Kernel Configuration\nCONFIG_BUG=y\n"), Error);  // no arch symbol
  EXPECT_THROW(audit_text("CONFIG_X86_64=y\n"), Error);                                        // no version
  AuditOptions options;
  options.arch = "arm64";
  EXPECT_THROW(audit_text(amd64(""), options), Error);  // contradicts the config
  options.arch = "riscv";
  EXPECT_THROW(audit_text("CONFIG_BUG=y\n# Linux/riscv 6.1.1 Kernel Configuration\n", options), Error);
  options = {};
  options.kernel_version = "latest";
  EXPECT_THROW(audit_text(amd64(""), options), Error);
  try {
    audit_text("CONFIG_X86_64=y\n");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--kernel-version"), std::string::npos) << e.what();
  }
}

TEST(AuditTest, AcceptedExceptionTurnsAFailIntoAccepted) {
  AuditOptions options;
  options.exceptions["MODULES"] = "kept for the out-of-tree driver; signatures enforced";
  options.exceptions["CONFIG_MODULE_SIG_FORCE"] = "enforced on the command line instead";
  auto report = audit_text(amd64("CONFIG_MODULES=y\n# CONFIG_MODULE_SIG_FORCE is not set\n"), options);
  EXPECT_EQ(row_of(report, "MODULES").outcome, Outcome::Accepted);
  EXPECT_EQ(row_of(report, "MODULES").exception, "kept for the out-of-tree driver; signatures enforced");
  EXPECT_EQ(row_of(report, "MODULE_SIG_FORCE").outcome, Outcome::Accepted);
  auto accepted = report.accepted_exceptions();
  EXPECT_EQ(accepted.size(), 2u);
  EXPECT_EQ(accepted["MODULE_SIG_FORCE"], "enforced on the command line instead");
  EXPECT_TRUE(report.unused_exceptions.empty());

  // Other failures still fail.
  EXPECT_EQ(row_of(report, "MODULE_SIG").outcome, Outcome::Fail);
  EXPECT_FALSE(report.passed());
}

TEST(AuditTest, ExceptionOnlyCoversItsOwnRule) {
  auto without = audit_text(amd64("CONFIG_DEVMEM=y\n"));
  int failures = without.failures();
  ASSERT_GT(failures, 1);
  AuditOptions options;
  options.exceptions["DEVMEM"] = "the BMC tool reads it";
  auto with = audit_text(amd64("CONFIG_DEVMEM=y\n"), options);
  EXPECT_EQ(with.failures(), failures - 1);
  EXPECT_EQ(with.count(Outcome::Accepted), 1);
}

TEST(AuditTest, ExceptionMayUseTheOlderName) {
  AuditOptions options;
  options.exceptions["RETPOLINE"] = "reason";
  auto report = audit_text(amd64("# CONFIG_RETPOLINE is not set\n"), options);
  EXPECT_EQ(row_of(report, "MITIGATION_RETPOLINE").outcome, Outcome::Accepted);
}

TEST(AuditTest, ExceptionWithoutReasonIsAnError) {
  AuditOptions options;
  options.exceptions["MODULES"] = "  ";
  try {
    audit_text(amd64("CONFIG_MODULES=y\n"), options);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("MODULES"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("no reason"), std::string::npos) << e.what();
  }
}

TEST(AuditTest, ExceptionForAnUnknownOptionIsAnError) {
  AuditOptions options;
  options.exceptions["MODULS"] = "typo";
  EXPECT_THROW(audit_text(amd64(""), options), Error);
}

TEST(AuditTest, ExceptionForAPassingRuleIsReportedUnused) {
  AuditOptions options;
  options.exceptions["BUG"] = "was needed once";
  auto report = audit_text(amd64("CONFIG_BUG=y\n"), options);
  EXPECT_EQ(row_of(report, "BUG").outcome, Outcome::Ok);
  ASSERT_EQ(report.unused_exceptions.size(), 1u);
  EXPECT_EQ(report.unused_exceptions[0], "BUG");
}

TEST(AuditTest, CountsAgreeWithRows) {
  auto report = audit_text(amd64("CONFIG_BUG=y\n"));
  int total = report.count(Outcome::Ok) + report.count(Outcome::Fail) + report.count(Outcome::NotApplicable) +
              report.count(Outcome::Accepted);
  EXPECT_EQ(total, static_cast<int>(report.rows.size()));
  EXPECT_EQ(report.failures(), report.count(Outcome::Fail));
  EXPECT_FALSE(report.passed());
  EXPECT_STREQ(to_string(Outcome::NotApplicable), "N/A");
  EXPECT_STREQ(to_string(Outcome::Accepted), "ACCEPTED");
}

TEST(RuleTableTest, EveryRuleIsWellFormed) {
  std::set<std::string> seen;
  for (const auto& rule : kconfig_rules()) {
    SCOPED_TRACE(rule.option);
    EXPECT_FALSE(rule.option.empty());
    EXPECT_FALSE(rule.reason.empty());
    EXPECT_FALSE(rule.one_of.empty());
    EXPECT_EQ(rule.one_of.front().option, rule.option);
    for (char c : rule.option) EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');
    if (!rule.versions.since.empty()) {
      EXPECT_TRUE(KernelVersion::parse(rule.versions.since).has_value());
    }
    if (!rule.versions.until.empty()) {
      EXPECT_TRUE(KernelVersion::parse(rule.versions.until).has_value());
    }
    // Two rules for one option only when they are for different arches.
    std::string key = rule.option + "/" + std::to_string(static_cast<int>(rule.arch));
    EXPECT_TRUE(seen.insert(key).second) << "duplicate rule";
  }
  for (const auto& rule : cmdline_rules()) {
    SCOPED_TRACE(rule.key);
    EXPECT_FALSE(rule.key.empty());
    EXPECT_FALSE(rule.reason.empty());
  }
  for (const auto& rule : sysctl_rules()) {
    SCOPED_TRACE(rule.name);
    EXPECT_FALSE(rule.value.empty());
    EXPECT_FALSE(rule.reason.empty());
  }
}

TEST(RuleTableTest, CoversTheKsppHeadlineOptions) {
  std::set<std::string> options;
  for (const auto& rule : kconfig_rules()) options.insert(rule.option);
  for (const char* option :
       {"BUG", "STRICT_KERNEL_RWX", "HARDENED_USERCOPY", "SLAB_FREELIST_HARDENED", "INIT_ON_ALLOC_DEFAULT_ON",
        "MODULE_SIG_FORCE", "LSM", "SECURITY_LOCKDOWN_LSM", "RANDOMIZE_BASE", "ARM64_PTR_AUTH_KERNEL",
        "ARM64_BTI_KERNEL", "SHADOW_CALL_STACK", "X86_KERNEL_IBT", "MITIGATION_PAGE_TABLE_ISOLATION",
        "KSTACK_ERASE", "UBSAN_TRAP", "KFENCE", "DEFAULT_MMAP_MIN_ADDR"}) {
    EXPECT_TRUE(options.count(option)) << option;
  }
}

TEST(SysctlTest, ApplicabilityFollowsTheConfig) {
  auto config = KernelConfig::parse(amd64("CONFIG_SYSCTL=y\nCONFIG_MMU=y\nCONFIG_SECURITY_YAMA=y\n"));
  auto sysctls = recommended_sysctls(config, {});
  auto find = [&](const std::string& name) -> SysctlSetting {
    for (const auto& s : sysctls) {
      if (s.name == name) return s;
    }
    ADD_FAILURE() << "no sysctl " << name;
    return {};
  };
  EXPECT_TRUE(find("kernel.kptr_restrict").applicable);
  EXPECT_EQ(find("kernel.kptr_restrict").value, "2");
  EXPECT_TRUE(find("kernel.yama.ptrace_scope").applicable);
  EXPECT_EQ(find("kernel.yama.ptrace_scope").value, "3");
  EXPECT_FALSE(find("kernel.unprivileged_bpf_disabled").applicable);
  EXPECT_EQ(find("kernel.unprivileged_bpf_disabled").reason, "needs BPF_SYSCALL=y");
  EXPECT_FALSE(find("dev.tty.legacy_tiocsti").applicable);
  EXPECT_EQ(find("vm.mmap_min_addr").value, "65536");
  EXPECT_TRUE(find("kernel.oops_limit").applicable);

  auto arm = recommended_sysctls(KernelConfig::parse(arm64("CONFIG_MMU=y\nCONFIG_BPF_SYSCALL=y\n")), {});
  int mmap_rows = 0;
  for (const auto& s : arm) {
    if (s.name == "vm.mmap_min_addr") {
      ++mmap_rows;
      EXPECT_EQ(s.value, "32768");
    }
    if (s.name == "kernel.unprivileged_bpf_disabled") {
      EXPECT_TRUE(s.applicable);
    }
  }
  EXPECT_EQ(mmap_rows, 1);
}

}  // namespace
}  // namespace bronze::kspp
