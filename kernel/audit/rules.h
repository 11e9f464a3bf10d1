// The shapes of the KSPP rules and how one condition is judged against a
// config. The tables themselves live in kconfig_rules.cpp, cmdline_rules.cpp
// and sysctl_rules.cpp; audit.cpp turns them into report rows.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kernel/audit/kernel_config.h"
#include "kernel/audit/kernel_version.h"

namespace bronze::kspp {

enum class Arch { Any, X86_64, Arm64 };

// One test on the config (or on the kernel version).
struct Condition {
  enum class Kind {
    Equals,         // option == value (numbers compared as numbers, so 0xb0 == 176)
    NotSet,         // "is not set", or not offered at all
    AtLeast,        // numeric option >= value
    AtLeastOption,  // numeric option >= the numeric option named in value
    ContainsWords,  // comma-separated string option holds every word of value
    Offered,        // Kconfig offered the option (set or "is not set")
    KernelAtLeast,  // the kernel version is at least value (a feature became unconditional)
    AnyOf,          // one of `any` holds
  };
  Kind kind = Kind::Equals;
  std::string option;
  std::string value;
  std::vector<Condition> any;
};

Condition y(std::string option);
Condition is(std::string option, std::string value);
Condition not_set(std::string option);
Condition at_least(std::string option, long long minimum);
Condition at_least_option(std::string option, std::string other_option);
Condition contains_words(std::string option, std::string words);
Condition offered(std::string option);
Condition kernel_at_least(std::string version);
Condition any_of(std::vector<Condition> conditions);

struct Facts {
  const KernelConfig& config;
  KernelVersion version;
};

bool holds(const Condition& condition, const Facts& facts);
// The wanted value alone, for the option the condition is about: "y", "is not set", ">= 65536".
std::string describe_value(const Condition& condition, const Facts& facts);
// A self-contained description: "MODULES is not set", "RETPOLINE=y", "kernel >= 5.10".
std::string describe(const Condition& condition, const Facts& facts);
// How the config has the option: its value as written, "is not set", or "absent".
std::string found_value(const KernelConfig& config, const std::string& option);

// Which kernels a rule is about. `since` and `until` are mainline releases
// ("6.6"): the rule applies to since <= version < until. Fixes that stable
// series picked up later (CPU bug mitigations, mostly) set stable_backports:
// then a kernel older than `since` is still checked when its config offers the
// option, and one that no longer offers a removed option is not.
struct Versions {
  std::string since;
  std::string until;
  bool stable_backports = false;
};

struct KconfigRule {
  std::string option;                  // the current name, shown in the report and used for exceptions
  // Older names of the same option ("RETPOLINE" for MITIGATION_RETPOLINE): the
  // rule checks the first name the config mentions, so one rule serves 6.1 and
  // newer kernels alike.
  std::vector<std::string> renamed_from;
  std::vector<Condition> one_of;       // first: the recommendation; the rest: accepted equivalents
  std::vector<Condition> prerequisites;  // all must hold, or the rule is N/A
  Arch arch = Arch::Any;
  Versions versions;
  std::string reason;
};

struct CmdlineRule {
  enum class Kind {
    Flag,            // bare word present: "slab_nomerge"
    Value,           // key=value, the last occurrence counting as the kernel does
    Forbidden,       // neither the bare word nor key=anything; key ending in '*' is a prefix
    ForbiddenValue,  // key=value must not occur
  };
  Kind kind = Kind::Flag;
  std::string key;
  std::string value;
  std::vector<Condition> prerequisites;
  Arch arch = Arch::Any;
  Versions versions;
  std::string reason;
};

struct SysctlRule {
  std::string name;
  std::string value;
  std::vector<Condition> prerequisites;
  Arch arch = Arch::Any;
  Versions versions;
  std::string reason;
};

const std::vector<KconfigRule>& kconfig_rules();
const std::vector<CmdlineRule>& cmdline_rules();
const std::vector<SysctlRule>& sysctl_rules();

// The row name of a command line rule: "slab_nomerge", "mitigations=off", "nospectre_*".
std::string cmdline_rule_name(const CmdlineRule& rule);

// Why a rule does not apply to this arch and kernel, or nullopt when it does.
// `offered` says whether the config offers any option the rule is about.
std::optional<std::string> not_applicable_because(Arch rule_arch, const Versions& versions, Arch target_arch,
                                                  const KernelVersion& version, bool offered);
// Why a rule is N/A because a prerequisite fails, or nullopt when all hold.
std::optional<std::string> unmet_prerequisite(const std::vector<Condition>& prerequisites, const Facts& facts);

}  // namespace bronze::kspp
