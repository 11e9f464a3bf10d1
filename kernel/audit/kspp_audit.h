// KSPP audit of a kernel: checks a kernel config (a .config file, or the
// config a kernel image carries through IKCONFIG) and optionally its command
// line against the Kernel Self Protection Project's recommendations.
//
//   auto config = bronze::kspp::load_config("vmlinuz");
//   bronze::kspp::AuditOptions options;            // arch and version come from the config
//   options.exceptions = bronze::kspp::load_exceptions("exceptions-amd64.yaml");
//   auto report = bronze::kspp::audit(config, options);
//   if (!report.passed()) ...                       // some rule FAILs
//   report.accepted_exceptions()                    // for the signed manifest
//
// Every function throws bronze::Error for input it cannot judge (unreadable
// file, no config in an image, unknown arch, an exception without a reason).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kernel/audit/kernel_config.h"
#include "kernel/audit/kernel_version.h"

namespace bronze::kspp {

// Reads a .config, or extracts the IKCONFIG copy from a kernel image (raw
// vmlinux/Image, or a bzImage/zImage whose payload is compressed).
KernelConfig load_config(const std::filesystem::path& config_or_kernel);

enum class Outcome { Ok, Fail, NotApplicable, Accepted };
// "OK", "FAIL", "N/A", "ACCEPTED"
const char* to_string(Outcome outcome);

struct Row {
  std::string kind;    // "kconfig" or "cmdline"
  std::string option;  // "MODULE_SIG_FORCE", "init_on_alloc", "mitigations=off"
  std::string wanted;
  std::string found;
  Outcome outcome = Outcome::Ok;
  // Why the rule exists; for N/A rows, why it does not apply.
  std::string reason;
  // For ACCEPTED rows: the written reason the deviation is acceptable.
  std::string exception;
};

struct AuditOptions {
  // "amd64" or "arm64"; empty: taken from the config.
  std::string arch;
  // "6.1" or "6.1.192"; empty: taken from the config's header line.
  std::string kernel_version;
  // The full kernel command line; nullopt: command line rules are skipped.
  std::optional<std::string> cmdline;
  // Option (as in Row::option, CONFIG_ prefix allowed) -> why failing it is acceptable.
  std::map<std::string, std::string> exceptions;
};

struct Report {
  std::string arch;
  KernelVersion kernel_version;
  std::vector<Row> rows;
  // Exceptions that matched no failing row (stale entries worth removing).
  std::vector<std::string> unused_exceptions;

  int count(Outcome outcome) const;
  int failures() const { return count(Outcome::Fail); }
  bool passed() const { return failures() == 0; }
  // Option -> reason for every ACCEPTED row: what the manifest records.
  std::map<std::string, std::string> accepted_exceptions() const;
  // The row for an option, or nullptr.
  const Row* find(const std::string& option) const;
};

Report audit(const KernelConfig& config, const AuditOptions& options);

// A sysctl KSPP recommends, judged for one kernel: applicable ones exist in
// /proc/sys for this config and should be set to `value`.
struct SysctlSetting {
  std::string name;   // "kernel.kptr_restrict"
  std::string value;  // "2"
  bool applicable = true;
  std::string reason;  // why it matters, or why it does not apply
};
std::vector<SysctlSetting> recommended_sysctls(const KernelConfig& config, const AuditOptions& options);

// Reads accepted exceptions from YAML: a mapping of option to reason.
// Throws when the file is unreadable, not a mapping, or a reason is empty.
std::map<std::string, std::string> load_exceptions(const std::filesystem::path& path);

}  // namespace bronze::kspp
