// The sysctls KSPP recommends, applied at boot. Which ones apply depends on
// the running kernel's config (/proc/config.gz); the table is the audit's,
// so the image is checked and configured by the same rules.
#pragma once

#include <string>
#include <vector>

namespace bronze::machined {

struct SysctlOutcome {
  std::string name;
  std::string value;
  enum class State { Applied, Failed, NotApplicable } state = State::Applied;
  std::string detail;  // why it failed, or why it does not apply
};

std::vector<SysctlOutcome> apply_kspp_sysctls();

// One console line per setting, then "kspp sysctls: N applied, F failed,
// M not applicable".
std::vector<std::string> describe(const std::vector<SysctlOutcome>& outcomes);

}  // namespace bronze::machined
