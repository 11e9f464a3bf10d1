#include "kernel/audit/report_output.h"

#include <algorithm>

namespace bronze::kspp {

namespace {

// Long values (an LSM list) would push every row's reason off screen.
constexpr size_t kMaxColumn = 40;

std::string clip(const std::string& text) {
  if (text.size() <= kMaxColumn) return text;
  return text.substr(0, kMaxColumn - 3) + "...";
}

std::string pad(const std::string& text, size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

}  // namespace

std::string format_table(const Report& report) {
  size_t option_width = 6;
  size_t wanted_width = 6;
  size_t found_width = 5;
  for (const auto& row : report.rows) {
    option_width = std::max(option_width, clip(row.option).size());
    wanted_width = std::max(wanted_width, clip(row.wanted).size());
    found_width = std::max(found_width, clip(row.found).size());
  }
  std::string out = pad("RESULT", 9) + "  " + pad("OPTION", option_width) + "  " + pad("WANTED", wanted_width) + "  " +
                    pad("FOUND", found_width) + "  REASON\n";
  for (const auto& row : report.rows) {
    std::string reason = row.outcome == Outcome::Accepted ? "accepted: " + row.exception : row.reason;
    out += pad(to_string(row.outcome), 9) + "  " + pad(clip(row.option), option_width) + "  " +
           pad(clip(row.wanted), wanted_width) + "  " + pad(clip(row.found), found_width) + "  " + reason + "\n";
  }
  out += "\n" + report.arch + " " + report.kernel_version.str() + ": " + std::to_string(report.count(Outcome::Ok)) +
         " OK, " + std::to_string(report.count(Outcome::Fail)) + " FAIL, " +
         std::to_string(report.count(Outcome::Accepted)) + " ACCEPTED, " +
         std::to_string(report.count(Outcome::NotApplicable)) + " N/A\n";
  return out;
}

std::string format_sysctls(const std::vector<SysctlSetting>& sysctls) {
  size_t name_width = 6;
  size_t value_width = 5;
  for (const auto& s : sysctls) {
    name_width = std::max(name_width, s.name.size());
    value_width = std::max(value_width, s.value.size());
  }
  std::string out = pad("SYSCTL", name_width) + "  " + pad("VALUE", value_width) + "  " + pad("APPLIES", 7) + "  REASON\n";
  for (const auto& s : sysctls) {
    out += pad(s.name, name_width) + "  " + pad(s.value, value_width) + "  " + pad(s.applicable ? "yes" : "N/A", 7) +
           "  " + s.reason + "\n";
  }
  return out;
}

nlohmann::json to_json(const Report& report) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : report.rows) {
    nlohmann::json r = {{"kind", row.kind},       {"option", row.option},
                        {"wanted", row.wanted},   {"found", row.found},
                        {"outcome", to_string(row.outcome)}, {"reason", row.reason}};
    if (row.outcome == Outcome::Accepted) r["exception"] = row.exception;
    rows.push_back(std::move(r));
  }
  return {
      {"arch", report.arch},
      {"kernel_version", report.kernel_version.str()},
      {"passed", report.passed()},
      {"counts",
       {{"ok", report.count(Outcome::Ok)},
        {"fail", report.count(Outcome::Fail)},
        {"not_applicable", report.count(Outcome::NotApplicable)},
        {"accepted", report.count(Outcome::Accepted)}}},
      {"rows", std::move(rows)},
      {"unused_exceptions", report.unused_exceptions},
  };
}

nlohmann::json to_json(const std::vector<SysctlSetting>& sysctls) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : sysctls) {
    out.push_back({{"name", s.name}, {"value", s.value}, {"applicable", s.applicable}, {"reason", s.reason}});
  }
  return out;
}

}  // namespace bronze::kspp
