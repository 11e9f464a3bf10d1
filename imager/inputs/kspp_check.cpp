#include "imager/inputs/kspp_check.h"

#include "base/error.h"
#include "kernel/audit/kspp_audit.h"

namespace bronze::imager {

KsppVerdict audit_kernel(const std::filesystem::path& kernel, const std::string& arch, const std::string& cmdline,
                         const std::map<std::string, std::string>& exceptions) {
  kspp::AuditOptions options;
  options.arch = arch;
  options.cmdline = cmdline;
  options.exceptions = exceptions;
  kspp::Report report = [&] {
    try {
      return kspp::audit(kspp::load_config(kernel), options);
    } catch (const Error& e) {
      throw Error("cannot audit the kernel " + kernel.string() + ": " + e.what() +
                  " (Bronze kernels carry their config: CONFIG_IKCONFIG=y)");
    }
  }();
  if (!report.passed()) {
    std::string list;
    for (const auto& row : report.rows) {
      if (row.outcome != kspp::Outcome::Fail) continue;
      list += "\n  " + row.option + ": wanted " + row.wanted + ", found " + row.found + " (" + row.reason + ")";
    }
    throw Error("the kernel fails the KSPP audit on " + std::to_string(report.failures()) + " rule(s):" + list +
                "\nFix kernel/config, or accept a rule in the platform file under kspp_exceptions with the reason.");
  }
  KsppVerdict verdict;
  verdict.ok = report.count(kspp::Outcome::Ok);
  verdict.not_applicable = report.count(kspp::Outcome::NotApplicable);
  for (const auto& [option, reason] : report.accepted_exceptions()) verdict.accepted.push_back({option, reason});
  return verdict;
}

std::map<std::string, std::string> kspp_exceptions(const std::filesystem::path& data_dir, const std::string& arch,
                                                   const std::map<std::string, std::string>& platform_exceptions) {
  std::map<std::string, std::string> out;
  auto project = data_dir / "kernel" / "audit" / ("exceptions-" + arch + ".yaml");
  if (std::filesystem::exists(project)) out = kspp::load_exceptions(project);
  for (const auto& [option, reason] : platform_exceptions) out[option] = reason;
  return out;
}

}  // namespace bronze::imager
