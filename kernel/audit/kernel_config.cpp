#include "kernel/audit/kernel_config.h"

namespace bronze::kspp {

namespace {

constexpr std::string_view kPrefix = "CONFIG_";

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

bool is_option_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// "# Linux/x86 6.1.192 Kernel Configuration" -> 6.1.192
std::optional<KernelVersion> parse_header(std::string_view line) {
  constexpr std::string_view kHead = "# Linux/";
  constexpr std::string_view kTail = " Kernel Configuration";
  if (!line.starts_with(kHead) || !line.ends_with(kTail)) return std::nullopt;
  std::string_view middle = line.substr(kHead.size(), line.size() - kHead.size() - kTail.size());
  size_t space = middle.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  return KernelVersion::parse(middle.substr(space + 1));
}

std::string unquote(std::string_view raw) {
  if (raw.size() < 2 || raw.front() != '"' || raw.back() != '"') return std::string(raw);
  std::string out;
  std::string_view inner = raw.substr(1, raw.size() - 2);
  for (size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '\\' && i + 1 < inner.size()) ++i;
    out.push_back(inner[i]);
  }
  return out;
}

}  // namespace

std::string_view strip_config_prefix(std::string_view option) {
  if (option.starts_with(kPrefix)) option.remove_prefix(kPrefix.size());
  return option;
}

KernelConfig KernelConfig::parse(std::string_view text) {
  KernelConfig config;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);

    if (line.starts_with(kPrefix)) {
      size_t eq = line.find('=');
      if (eq == std::string_view::npos) continue;
      std::string_view name = line.substr(kPrefix.size(), eq - kPrefix.size());
      if (!is_option_name(name)) continue;
      // Later lines win, as they do when Kconfig reads a merged fragment.
      config.options_[std::string(name)] = std::string(line.substr(eq + 1));
      continue;
    }
    constexpr std::string_view kNotSetHead = "# CONFIG_";
    constexpr std::string_view kNotSetTail = " is not set";
    if (line.size() > kNotSetHead.size() + kNotSetTail.size() && line.starts_with(kNotSetHead) &&
        line.ends_with(kNotSetTail)) {
      std::string_view name =
          line.substr(kNotSetHead.size(), line.size() - kNotSetHead.size() - kNotSetTail.size());
      // insert_or_assign with a string, not operator= with a literal: GCC 12's
      // -Wrestrict misfires on the latter at -O2 (GCC bug 105329).
      if (is_option_name(name)) config.options_.insert_or_assign(std::string(name), std::string("n"));
      continue;
    }
    if (!config.version_) config.version_ = parse_header(line);
  }
  return config;
}

std::optional<std::string> KernelConfig::raw(std::string_view option) const {
  auto it = options_.find(strip_config_prefix(option));
  if (it == options_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> KernelConfig::value(std::string_view option) const {
  auto found = raw(option);
  if (!found) return std::nullopt;
  return unquote(*found);
}

std::string KernelConfig::arch() const {
  if (raw("X86_64") == "y") return "amd64";
  if (raw("ARM64") == "y") return "arm64";
  return "";
}

}  // namespace bronze::kspp
