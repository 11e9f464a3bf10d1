#include "kernel/audit/kernel_version.h"

#include <charconv>

namespace bronze::kspp {

namespace {

// Reads a decimal number at `pos`; advances `pos` past it.
std::optional<int> read_number(std::string_view text, size_t& pos) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data() + pos, text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data() + pos) return std::nullopt;
  pos = static_cast<size_t>(end - text.data());
  return value;
}

}  // namespace

std::optional<KernelVersion> KernelVersion::parse(std::string_view text) {
  size_t pos = 0;
  KernelVersion version;
  auto major = read_number(text, pos);
  if (!major || pos >= text.size() || text[pos] != '.') return std::nullopt;
  ++pos;
  auto minor = read_number(text, pos);
  if (!minor) return std::nullopt;
  version.major = *major;
  version.minor = *minor;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    auto patch = read_number(text, pos);
    if (!patch) return std::nullopt;
    version.patch = *patch;
  }
  // Whatever follows must be a suffix ("-56-cloud-amd64", "+", "-rc1"), not
  // more digits glued to the number.
  if (pos < text.size() && text[pos] != '-' && text[pos] != '+' && text[pos] != ' ' && text[pos] != '_') {
    return std::nullopt;
  }
  return version;
}

std::string KernelVersion::str() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

}  // namespace bronze::kspp
