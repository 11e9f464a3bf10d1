// Turns the rule tables into report rows for one config, arch and kernel
// version, then applies the accepted exceptions.
#include <algorithm>
#include <cctype>
#include <set>

#include "base/error.h"
#include "kernel/audit/kspp_audit.h"
#include "kernel/audit/rules.h"
#include "kernel/cmdline/kernel_cmdline.h"

namespace bronze::kspp {

namespace {

struct Target {
  Arch arch = Arch::Any;
  std::string arch_name;
  KernelVersion version;
};

// Why a rule does not apply to this kernel: its arch or versions, then its
// prerequisites; nullopt when it applies. Every rule kind asks the same.
template <typename Rule>
std::optional<std::string> why_not_applicable(const Rule& rule, const Target& target, const Facts& facts,
                                              bool offered_by_config) {
  if (auto why = not_applicable_because(rule.arch, rule.versions, target.arch, target.version, offered_by_config)) {
    return why;
  }
  return unmet_prerequisite(rule.prerequisites, facts);
}

std::string trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return std::string(text);
}

Arch parse_arch(const std::string& name, std::string& canonical) {
  if (name == "amd64" || name == "x86_64") {
    canonical = "amd64";
    return Arch::X86_64;
  }
  if (name == "arm64" || name == "aarch64") {
    canonical = "arm64";
    return Arch::Arm64;
  }
  throw Error("unknown arch '" + name + "' (expected amd64 or arm64)");
}

Target resolve_target(const KernelConfig& config, const AuditOptions& options) {
  Target target;
  std::string from_config = config.arch();
  std::string wanted = options.arch.empty() ? from_config : options.arch;
  if (wanted.empty()) {
    throw Error("cannot tell the kernel's arch: the config sets neither CONFIG_X86_64 nor CONFIG_ARM64; pass --arch");
  }
  target.arch = parse_arch(wanted, target.arch_name);
  if (!from_config.empty() && from_config != target.arch_name) {
    throw Error("the config is for " + from_config + ", not " + target.arch_name);
  }
  if (!options.kernel_version.empty()) {
    auto version = KernelVersion::parse(options.kernel_version);
    if (!version) throw Error("kernel version '" + options.kernel_version + "' is not like 6.1 or 6.1.192");
    target.version = *version;
  } else if (config.version()) {
    target.version = *config.version();
  } else {
    throw Error(
        "the config has no '# Linux/... Kernel Configuration' header, so its kernel version is unknown; "
        "pass --kernel-version");
  }
  return target;
}

// The name the config uses for a renamed option: the current one if it is
// mentioned, else the first older name that is, else the current one.
std::string subject_name(const KconfigRule& rule, const KernelConfig& config) {
  if (config.mentioned(rule.option)) return rule.option;
  for (const auto& older : rule.renamed_from) {
    if (config.mentioned(older)) return older;
  }
  return rule.option;
}

struct JudgedRow {
  Row row;
  bool not_for_this_arch = false;
};

JudgedRow judge_kconfig(const KconfigRule& rule, const Facts& facts, const Target& target) {
  const KernelConfig& config = facts.config;
  const std::string subject = subject_name(rule, config);
  std::vector<Condition> one_of = rule.one_of;
  for (auto& condition : one_of) {
    if (condition.option == rule.option) condition.option = subject;
  }
  bool offered_by_config = false;
  for (const auto& condition : one_of) {
    offered_by_config = offered_by_config || (!condition.option.empty() && config.mentioned(condition.option));
  }

  JudgedRow judged;
  Row& row = judged.row;
  row.kind = "kconfig";
  row.option = rule.option;
  row.wanted = describe_value(one_of.front(), facts);
  for (size_t i = 1; i < one_of.size(); ++i) row.wanted += ", or " + describe(one_of[i], facts);
  row.found = found_value(config, subject);
  if (subject != rule.option) row.found += " (as " + subject + ")";

  if (rule.arch != Arch::Any && rule.arch != target.arch) judged.not_for_this_arch = true;
  if (auto why = why_not_applicable(rule, target, facts, offered_by_config)) {
    row.outcome = Outcome::NotApplicable;
    row.reason = *why;
    return judged;
  }
  row.reason = rule.reason;
  for (size_t i = 0; i < one_of.size(); ++i) {
    if (!holds(one_of[i], facts)) continue;
    row.outcome = Outcome::Ok;
    if (i > 0) row.found += "; " + describe(one_of[i], facts);
    return judged;
  }
  row.outcome = Outcome::Fail;
  return judged;
}

std::string arguments_with_prefix(const KernelCmdline& cmdline, const std::string& prefix) {
  std::string out;
  for (const auto& arg : cmdline.args()) {
    if (arg.starts_with(prefix)) out += (out.empty() ? "" : " ") + arg;
  }
  return out;
}

Row judge_cmdline(const CmdlineRule& rule, const KernelCmdline& cmdline, const Facts& facts, const Target& target) {
  Row row;
  row.kind = "cmdline";
  row.option = cmdline_rule_name(rule);
  bool ok = false;
  switch (rule.kind) {
    case CmdlineRule::Kind::Flag:
      row.wanted = "present";
      ok = cmdline.has(rule.key);
      row.found = ok ? "present" : "absent";
      break;
    case CmdlineRule::Kind::Value: {
      row.wanted = rule.value;
      auto found = cmdline.get(rule.key);
      row.found = found ? *found : (cmdline.has(rule.key) ? "present without a value" : "absent");
      ok = found == rule.value;
      break;
    }
    case CmdlineRule::Kind::Forbidden: {
      row.wanted = "absent";
      std::string offending;
      if (rule.key.ends_with('*')) {
        offending = arguments_with_prefix(cmdline, rule.key.substr(0, rule.key.size() - 1));
      } else if (cmdline.has(rule.key)) {
        offending = arguments_with_prefix(cmdline, rule.key);
      }
      ok = offending.empty();
      row.found = ok ? "absent" : offending;
      break;
    }
    case CmdlineRule::Kind::ForbiddenValue: {
      row.wanted = "absent";
      const std::string bad = rule.key + "=" + rule.value;
      ok = std::find(cmdline.args().begin(), cmdline.args().end(), bad) == cmdline.args().end();
      row.found = ok ? "absent" : "present";
      break;
    }
  }
  if (auto why = why_not_applicable(rule, target, facts, true)) {
    row.outcome = Outcome::NotApplicable;
    row.reason = *why;
    return row;
  }
  row.outcome = ok ? Outcome::Ok : Outcome::Fail;
  row.reason = rule.reason;
  return row;
}

// An arch-specific rule shares its option with the other arch's variant
// (DEFAULT_MMAP_MIN_ADDR): keep only the row that applies.
std::vector<Row> drop_other_arch_duplicates(std::vector<JudgedRow> judged) {
  std::set<std::string> for_this_arch;
  for (const auto& j : judged) {
    if (!j.not_for_this_arch) for_this_arch.insert(j.row.option);
  }
  std::vector<Row> rows;
  for (auto& j : judged) {
    if (j.not_for_this_arch && for_this_arch.count(j.row.option)) continue;
    rows.push_back(std::move(j.row));
  }
  return rows;
}

// Every name an exception may use for a row: the option and its older names.
std::map<std::string, std::vector<std::string>> names_by_row_option() {
  std::map<std::string, std::vector<std::string>> names;
  for (const auto& rule : kconfig_rules()) {
    auto& list = names[rule.option];
    if (list.empty()) list.push_back(rule.option);
    for (const auto& older : rule.renamed_from) list.push_back(older);
  }
  for (const auto& rule : cmdline_rules()) names[cmdline_rule_name(rule)].push_back(cmdline_rule_name(rule));
  return names;
}

std::map<std::string, std::string> validated_exceptions(const std::map<std::string, std::string>& exceptions) {
  std::set<std::string> known;
  for (const auto& [option, names] : names_by_row_option()) known.insert(names.begin(), names.end());
  std::map<std::string, std::string> out;
  for (const auto& [raw_option, raw_reason] : exceptions) {
    std::string option(strip_config_prefix(trim(raw_option)));
    std::string reason = trim(raw_reason);
    if (reason.empty()) {
      throw Error("the exception for " + option + " has no reason; write why failing it is acceptable");
    }
    if (!known.count(option)) throw Error("the exception for " + option + " names no option the KSPP audit checks");
    out[option] = reason;
  }
  return out;
}

void apply_exceptions(Report& report, const std::map<std::string, std::string>& exceptions) {
  auto names = names_by_row_option();
  std::set<std::string> used;
  for (auto& row : report.rows) {
    if (row.outcome != Outcome::Fail) continue;
    for (const auto& name : names[row.option]) {
      auto it = exceptions.find(name);
      if (it == exceptions.end()) continue;
      row.outcome = Outcome::Accepted;
      row.exception = it->second;
      used.insert(name);
      break;
    }
  }
  for (const auto& [option, reason] : exceptions) {
    if (!used.count(option)) report.unused_exceptions.push_back(option);
  }
}

}  // namespace

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::Ok: return "OK";
    case Outcome::Fail: return "FAIL";
    case Outcome::NotApplicable: return "N/A";
    case Outcome::Accepted: return "ACCEPTED";
  }
  return "?";
}

int Report::count(Outcome outcome) const {
  return static_cast<int>(std::count_if(rows.begin(), rows.end(), [&](const Row& r) { return r.outcome == outcome; }));
}

std::map<std::string, std::string> Report::accepted_exceptions() const {
  std::map<std::string, std::string> out;
  for (const auto& row : rows) {
    if (row.outcome == Outcome::Accepted) out[row.option] = row.exception;
  }
  return out;
}

const Row* Report::find(const std::string& option) const {
  for (const auto& row : rows) {
    if (row.option == option) return &row;
  }
  return nullptr;
}

Report audit(const KernelConfig& config, const AuditOptions& options) {
  auto exceptions = validated_exceptions(options.exceptions);
  Target target = resolve_target(config, options);
  Facts facts{config, target.version};

  Report report;
  report.arch = target.arch_name;
  report.kernel_version = target.version;

  std::vector<JudgedRow> judged;
  for (const auto& rule : kconfig_rules()) judged.push_back(judge_kconfig(rule, facts, target));
  report.rows = drop_other_arch_duplicates(std::move(judged));

  if (options.cmdline) {
    KernelCmdline cmdline = KernelCmdline::parse(*options.cmdline);
    for (const auto& rule : cmdline_rules()) report.rows.push_back(judge_cmdline(rule, cmdline, facts, target));
  }
  apply_exceptions(report, exceptions);
  return report;
}

std::vector<SysctlSetting> recommended_sysctls(const KernelConfig& config, const AuditOptions& options) {
  Target target = resolve_target(config, options);
  Facts facts{config, target.version};
  std::vector<SysctlSetting> out;
  for (const auto& rule : sysctl_rules()) {
    if (rule.arch != Arch::Any && rule.arch != target.arch) continue;  // the other arch's variant
    SysctlSetting setting{rule.name, rule.value, true, rule.reason};
    if (auto why = why_not_applicable(rule, target, facts, true)) {
      setting.applicable = false;
      setting.reason = *why;
    }
    out.push_back(setting);
  }
  return out;
}

}  // namespace bronze::kspp
