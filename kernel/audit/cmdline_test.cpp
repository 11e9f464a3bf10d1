#include <gtest/gtest.h>

#include "kernel/audit/kspp_audit.h"
#include "tests/support/kspp_test_support.h"

namespace bronze::kspp {
namespace {

using testing::audit_text;
using testing::header;

// Everything the command line rules depend on, as a hardened x86 kernel has it.
const std::string kConfig = header("x86", "6.1.192") +
                            "CONFIG_SHUFFLE_PAGE_ALLOCATOR=y\n"
                            "CONFIG_HARDENED_USERCOPY=y\n"
                            "CONFIG_RANDOMIZE_KSTACK_OFFSET=y\n"
                            "CONFIG_KFENCE=y\n"
                            "CONFIG_SECURITY_LOCKDOWN_LSM=y\n"
                            "CONFIG_EFI=y\n"
                            "CONFIG_PROC_MEM_NO_FORCE=y\n"
                            "CONFIG_IOMMU_SUPPORT=y\n"
                            "CONFIG_HOTPLUG_SMT=y\n"
                            "CONFIG_PAGE_TABLE_ISOLATION=y\n"
                            "CONFIG_INTEL_IOMMU=y\n"
                            "CONFIG_X86_VSYSCALL_EMULATION=y\n"
                            "CONFIG_IA32_EMULATION=y\n";

const std::string kKsppCmdline =
    "console=ttyS0 slab_nomerge init_on_alloc=1 init_on_free=1 page_alloc.shuffle=1 hardened_usercopy=1 "
    "randomize_kstack_offset=on kfence.sample_interval=100 lockdown=confidentiality efi=disable_early_pci_dma "
    "proc_mem.force_override=never iommu.passthrough=0 iommu.strict=1 nosmt mitigations=auto,nosmt pti=on "
    "intel_iommu=on vsyscall=none vdso32=0";

Report audit_cmdline(const std::string& cmdline, const std::string& config = kConfig, AuditOptions options = {}) {
  options.cmdline = cmdline;
  return audit_text(config, options);
}

const Row* cmdline_row(const Report& report, const std::string& option) {
  for (const auto& row : report.rows) {
    if (row.kind == "cmdline" && row.option == option) return &row;
  }
  return nullptr;
}

Outcome outcome_of(const Report& report, const std::string& option) {
  const Row* row = cmdline_row(report, option);
  if (!row) {
    ADD_FAILURE() << "no command line row for " << option;
    return Outcome::Fail;
  }
  return row->outcome;
}

TEST(CmdlineTest, TheKsppCommandLinePasses) {
  auto report = audit_cmdline(kKsppCmdline);
  int cmdline_rows = 0;
  for (const auto& row : report.rows) {
    if (row.kind != "cmdline") continue;
    ++cmdline_rows;
    // ia32_emulation= and cfi= do not exist in 6.1.
    if (row.option == "ia32_emulation" || row.option == "cfi") {
      EXPECT_EQ(row.outcome, Outcome::NotApplicable) << row.option;
    } else {
      EXPECT_EQ(row.outcome, Outcome::Ok) << row.option << " found " << row.found << ": " << row.reason;
    }
  }
  EXPECT_GT(cmdline_rows, 20);
}

TEST(CmdlineTest, WithoutACommandLineThereAreNoCommandLineRows) {
  auto report = audit_text(kConfig);
  for (const auto& row : report.rows) EXPECT_NE(row.kind, "cmdline") << row.option;
}

TEST(CmdlineTest, MissingFlagAndWrongValueFail) {
  auto report = audit_cmdline("init_on_alloc=0 init_on_free=1");
  EXPECT_EQ(outcome_of(report, "slab_nomerge"), Outcome::Fail);
  EXPECT_EQ(cmdline_row(report, "slab_nomerge")->found, "absent");
  EXPECT_EQ(outcome_of(report, "init_on_alloc"), Outcome::Fail);
  EXPECT_EQ(cmdline_row(report, "init_on_alloc")->found, "0");
  EXPECT_EQ(cmdline_row(report, "init_on_alloc")->wanted, "1");
  EXPECT_EQ(outcome_of(report, "init_on_free"), Outcome::Ok);
}

TEST(CmdlineTest, TheLastValueCountsAsInTheKernel) {
  EXPECT_EQ(outcome_of(audit_cmdline("init_on_alloc=1 init_on_alloc=0"), "init_on_alloc"), Outcome::Fail);
  EXPECT_EQ(outcome_of(audit_cmdline("init_on_alloc=0 init_on_alloc=1"), "init_on_alloc"), Outcome::Ok);
}

TEST(CmdlineTest, ForbiddenArgumentsFail) {
  auto report = audit_cmdline(kKsppCmdline + " nokaslr nospectre_v2 nospectre_bhb");
  EXPECT_EQ(outcome_of(report, "nokaslr"), Outcome::Fail);
  EXPECT_EQ(cmdline_row(report, "nokaslr")->wanted, "absent");
  EXPECT_EQ(outcome_of(report, "nospectre_*"), Outcome::Fail);
  EXPECT_EQ(cmdline_row(report, "nospectre_*")->found, "nospectre_v2 nospectre_bhb");
  EXPECT_EQ(outcome_of(report, "nopti"), Outcome::Ok);
  EXPECT_FALSE(report.passed());
}

TEST(CmdlineTest, MitigationsOffFailsTwice) {
  auto report = audit_cmdline("mitigations=off");
  EXPECT_EQ(outcome_of(report, "mitigations=off"), Outcome::Fail);
  EXPECT_EQ(outcome_of(report, "mitigations"), Outcome::Fail);
  EXPECT_EQ(cmdline_row(report, "mitigations")->found, "off");
}

TEST(CmdlineTest, RulesFollowTheConfig) {
  // No vsyscall page to turn off, no 32-bit vDSO, no KFENCE: nothing to ask of the command line.
  std::string config = header("x86", "6.1.192") +
                       "# CONFIG_X86_VSYSCALL_EMULATION is not set\n# CONFIG_IA32_EMULATION is not set\n";
  auto report = audit_cmdline("", config);
  EXPECT_EQ(outcome_of(report, "vsyscall"), Outcome::NotApplicable);
  EXPECT_EQ(cmdline_row(report, "vsyscall")->reason, "needs X86_VSYSCALL_EMULATION=y");
  EXPECT_EQ(outcome_of(report, "vdso32"), Outcome::NotApplicable);
  EXPECT_EQ(outcome_of(report, "kfence.sample_interval"), Outcome::NotApplicable);
  EXPECT_EQ(outcome_of(report, "proc_mem.force_override"), Outcome::NotApplicable);
  EXPECT_EQ(outcome_of(report, "slab_nomerge"), Outcome::Fail);
}

TEST(CmdlineTest, X86OnlyArgumentsAreNotAskedOfArm64) {
  std::string config = header("arm64", "6.1.192") + "CONFIG_PAGE_TABLE_ISOLATION=y\n";
  auto report = audit_cmdline("slab_nomerge", config);
  EXPECT_EQ(outcome_of(report, "pti"), Outcome::NotApplicable);
  EXPECT_EQ(cmdline_row(report, "pti")->reason, "x86_64 only");
  EXPECT_EQ(outcome_of(report, "mitigations"), Outcome::NotApplicable);
  EXPECT_EQ(outcome_of(report, "slab_nomerge"), Outcome::Ok);
  // Forbidden arguments apply everywhere.
  EXPECT_EQ(outcome_of(audit_cmdline("nokaslr", config), "nokaslr"), Outcome::Fail);
}

TEST(CmdlineTest, CommandLineExceptions) {
  AuditOptions options;
  options.exceptions["nosmt"] = "single-tenant machine; SMT kept for throughput";
  auto report = audit_cmdline("slab_nomerge", kConfig, options);
  EXPECT_EQ(outcome_of(report, "nosmt"), Outcome::Accepted);
  EXPECT_EQ(cmdline_row(report, "nosmt")->exception, "single-tenant machine; SMT kept for throughput");
  EXPECT_EQ(outcome_of(report, "init_on_alloc"), Outcome::Fail);
}

}  // namespace
}  // namespace bronze::kspp
