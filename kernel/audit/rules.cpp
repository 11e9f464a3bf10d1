#include "kernel/audit/rules.h"

#include <charconv>

namespace bronze::kspp {

namespace {

// Kconfig writes int options in decimal and hex options with "0x".
std::optional<long long> parse_number(std::string_view text) {
  bool negative = false;
  if (!text.empty() && text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  int base = 10;
  if (text.starts_with("0x") || text.starts_with("0X")) {
    base = 16;
    text.remove_prefix(2);
  }
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return negative ? -value : value;
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  for (char c : text) {
    if (c == ',' || c == ' ') {
      if (!current.empty()) words.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) words.push_back(current);
  return words;
}

bool contains_every_word(std::string_view list, std::string_view wanted) {
  auto have = split_words(list);
  for (const auto& word : split_words(wanted)) {
    bool found = false;
    for (const auto& h : have) found = found || h == word;
    if (!found) return false;
  }
  return true;
}

std::string arch_name(Arch arch) {
  switch (arch) {
    case Arch::X86_64: return "x86_64";
    case Arch::Arm64: return "arm64";
    case Arch::Any: break;
  }
  return "any arch";
}

std::string join_words(std::string_view words) {
  std::string out;
  for (const auto& word : split_words(words)) out += (out.empty() ? "" : ", ") + word;
  return out;
}

}  // namespace

Condition y(std::string option) { return is(std::move(option), "y"); }
Condition is(std::string option, std::string value) {
  return Condition{Condition::Kind::Equals, std::move(option), std::move(value), {}};
}
Condition not_set(std::string option) { return Condition{Condition::Kind::NotSet, std::move(option), "", {}}; }
Condition at_least(std::string option, long long minimum) {
  return Condition{Condition::Kind::AtLeast, std::move(option), std::to_string(minimum), {}};
}
Condition at_least_option(std::string option, std::string other_option) {
  return Condition{Condition::Kind::AtLeastOption, std::move(option), std::move(other_option), {}};
}
Condition contains_words(std::string option, std::string words) {
  return Condition{Condition::Kind::ContainsWords, std::move(option), std::move(words), {}};
}
Condition offered(std::string option) { return Condition{Condition::Kind::Offered, std::move(option), "", {}}; }
Condition kernel_at_least(std::string version) {
  return Condition{Condition::Kind::KernelAtLeast, "", std::move(version), {}};
}
Condition any_of(std::vector<Condition> conditions) {
  return Condition{Condition::Kind::AnyOf, "", "", std::move(conditions)};
}

bool holds(const Condition& condition, const Facts& facts) {
  const KernelConfig& config = facts.config;
  switch (condition.kind) {
    case Condition::Kind::Equals: {
      auto found = config.value(condition.option);
      if (!found) return false;
      auto have = parse_number(*found);
      auto want = parse_number(condition.value);
      if (have && want) return *have == *want;
      return *found == condition.value;
    }
    case Condition::Kind::NotSet: {
      auto found = config.raw(condition.option);
      return !found || *found == "n";
    }
    case Condition::Kind::AtLeast: {
      auto found = config.value(condition.option);
      auto have = found ? parse_number(*found) : std::nullopt;
      auto want = parse_number(condition.value);
      return have && want && *have >= *want;
    }
    case Condition::Kind::AtLeastOption: {
      auto found = config.value(condition.option);
      auto other = config.value(condition.value);
      auto have = found ? parse_number(*found) : std::nullopt;
      auto want = other ? parse_number(*other) : std::nullopt;
      return have && want && *have >= *want;
    }
    case Condition::Kind::ContainsWords: {
      auto found = config.value(condition.option);
      return found && contains_every_word(*found, condition.value);
    }
    case Condition::Kind::Offered:
      return config.mentioned(condition.option);
    case Condition::Kind::KernelAtLeast: {
      auto wanted = KernelVersion::parse(condition.value);
      return wanted && facts.version >= *wanted;
    }
    case Condition::Kind::AnyOf:
      for (const auto& inner : condition.any) {
        if (holds(inner, facts)) return true;
      }
      return false;
  }
  return false;
}

std::string describe_value(const Condition& condition, const Facts& facts) {
  switch (condition.kind) {
    case Condition::Kind::Equals: return condition.value;
    case Condition::Kind::NotSet: return "is not set";
    case Condition::Kind::AtLeast: return ">= " + condition.value;
    case Condition::Kind::AtLeastOption: {
      auto other = facts.config.value(condition.value);
      return ">= " + condition.value + (other ? " (" + *other + ")" : std::string(" (absent)"));
    }
    case Condition::Kind::ContainsWords: return "contains " + join_words(condition.value);
    case Condition::Kind::Offered: return "offered";
    case Condition::Kind::KernelAtLeast: return "kernel >= " + condition.value;
    case Condition::Kind::AnyOf: break;
  }
  return describe(condition, facts);
}

std::string describe(const Condition& condition, const Facts& facts) {
  switch (condition.kind) {
    case Condition::Kind::Equals: return condition.option + "=" + condition.value;
    case Condition::Kind::NotSet: return condition.option + " is not set";
    case Condition::Kind::AtLeast:
    case Condition::Kind::AtLeastOption:
    case Condition::Kind::ContainsWords: return condition.option + " " + describe_value(condition, facts);
    case Condition::Kind::Offered: return condition.option + " offered by Kconfig";
    case Condition::Kind::KernelAtLeast: return "kernel >= " + condition.value;
    case Condition::Kind::AnyOf: {
      std::string out;
      for (const auto& inner : condition.any) out += (out.empty() ? "" : " or ") + describe(inner, facts);
      return out;
    }
  }
  return "";
}

std::string found_value(const KernelConfig& config, const std::string& option) {
  auto found = config.raw(option);
  if (!found) return "absent";
  if (*found == "n") return "is not set";
  return *found;
}

std::string cmdline_rule_name(const CmdlineRule& rule) {
  if (rule.kind == CmdlineRule::Kind::ForbiddenValue) return rule.key + "=" + rule.value;
  return rule.key;
}

std::optional<std::string> not_applicable_because(Arch rule_arch, const Versions& versions, Arch target_arch,
                                                  const KernelVersion& version, bool offered_by_config) {
  if (rule_arch != Arch::Any && rule_arch != target_arch) return arch_name(rule_arch) + " only";
  if (!versions.since.empty()) {
    auto since = KernelVersion::parse(versions.since);
    if (since && version < *since) {
      if (!versions.stable_backports) return "added in Linux " + versions.since;
      if (!offered_by_config) return "added in Linux " + versions.since + "; not backported to this kernel's config";
    }
  }
  if (!versions.until.empty()) {
    auto until = KernelVersion::parse(versions.until);
    if (until && version >= *until) return "gone since Linux " + versions.until;
    if (versions.stable_backports && !offered_by_config) {
      return "removed in Linux " + versions.until + " and from this stable series";
    }
  }
  return std::nullopt;
}

std::optional<std::string> unmet_prerequisite(const std::vector<Condition>& prerequisites, const Facts& facts) {
  for (const auto& prerequisite : prerequisites) {
    if (!holds(prerequisite, facts)) return "needs " + describe(prerequisite, facts);
  }
  return std::nullopt;
}

}  // namespace bronze::kspp
