// How a report is shown: an aligned table for people, JSON for machines.
// JSON consumers must key on field names, never on positions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kernel/audit/kspp_audit.h"

namespace bronze::kspp {

std::string format_table(const Report& report);
std::string format_sysctls(const std::vector<SysctlSetting>& sysctls);

// {"arch", "kernel_version", "passed", "counts": {"ok", "fail", "not_applicable",
//  "accepted"}, "rows": [{"kind", "option", "wanted", "found", "outcome",
//  "reason", "exception"?}], "unused_exceptions": [...]}
nlohmann::json to_json(const Report& report);
// [{"name", "value", "applicable", "reason"}]
nlohmann::json to_json(const std::vector<SysctlSetting>& sysctls);

}  // namespace bronze::kspp
