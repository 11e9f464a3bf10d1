#include "node/machined/boot/kspp_sysctls.h"

#include <fstream>
#include <sstream>

#include "kernel/audit/kspp_audit.h"

namespace bronze::machined {

namespace {

std::string proc_path(const std::string& name) {
  std::string path = "/proc/sys/" + name;
  for (size_t i = 10; i < path.size(); ++i) {
    if (path[i] == '.') path[i] = '/';
  }
  return path;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::vector<SysctlOutcome> apply_kspp_sysctls() {
  std::vector<SysctlOutcome> out;
  std::vector<kspp::SysctlSetting> settings;
  try {
    settings = kspp::recommended_sysctls(kspp::load_config("/proc/config.gz"), {});
  } catch (const std::exception& e) {
    out.push_back({"(all)", "", SysctlOutcome::State::Failed, std::string("cannot read the kernel config: ") + e.what()});
    return out;
  }
  for (const auto& s : settings) {
    SysctlOutcome o{s.name, s.value, SysctlOutcome::State::Applied, ""};
    if (!s.applicable) {
      o.state = SysctlOutcome::State::NotApplicable;
      o.detail = s.reason;
      out.push_back(o);
      continue;
    }
    std::string path = proc_path(s.name);
    {
      std::ofstream file(path);
      file << s.value;
      file.close();
      if (!file) {
        o.state = SysctlOutcome::State::Failed;
        o.detail = "cannot write " + path;
      }
    }
    if (o.state == SysctlOutcome::State::Applied) {
      std::ifstream file(path);
      std::stringstream text;
      text << file.rdbuf();
      std::string now = trim(text.str());
      if (now != s.value) {
        o.state = SysctlOutcome::State::Failed;
        o.detail = "reads back as '" + now + "'";
      }
    }
    out.push_back(o);
  }
  return out;
}

std::vector<std::string> describe(const std::vector<SysctlOutcome>& outcomes) {
  std::vector<std::string> lines;
  int applied = 0, failed = 0, not_applicable = 0;
  for (const auto& o : outcomes) {
    switch (o.state) {
      case SysctlOutcome::State::Applied:
        ++applied;
        lines.push_back("kspp sysctl " + o.name + "=" + o.value + " applied");
        break;
      case SysctlOutcome::State::Failed:
        ++failed;
        lines.push_back("kspp sysctl " + o.name + "=" + o.value + " FAILED: " + o.detail);
        break;
      case SysctlOutcome::State::NotApplicable:
        ++not_applicable;
        lines.push_back("kspp sysctl " + o.name + " not applicable: " + o.detail);
        break;
    }
  }
  lines.push_back("kspp sysctls: " + std::to_string(applied) + " applied, " + std::to_string(failed) + " failed, " +
                  std::to_string(not_applicable) + " not applicable");
  return lines;
}

}  // namespace bronze::machined
