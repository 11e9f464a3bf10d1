// A kernel .config as Kconfig writes it: "CONFIG_X=value" lines, and
// "# CONFIG_X is not set" for options that were offered and turned off.
// Options Kconfig did not offer (a missing dependency, another arch, another
// kernel version) are not mentioned at all; the audit tells the two apart.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "kernel/audit/kernel_version.h"

namespace bronze::kspp {

class KernelConfig {
 public:
  // Never throws: lines that are neither an option nor the version header are
  // ignored, as Kconfig itself does.
  static KernelConfig parse(std::string_view text);

  // Option names are given without the CONFIG_ prefix (a prefix is tolerated).
  // The value as written: "y", "m", "65536", "\"sha512\"" (quotes kept);
  // "n" for "is not set"; nullopt when the option is not mentioned.
  std::optional<std::string> raw(std::string_view option) const;
  // A string option's value without quotes and escapes; numbers and tristates as written.
  std::optional<std::string> value(std::string_view option) const;
  bool mentioned(std::string_view option) const { return raw(option).has_value(); }

  // "amd64" when X86_64=y, "arm64" when ARM64=y, empty otherwise.
  std::string arch() const;
  // From the header line "# Linux/x86 6.1.192 Kernel Configuration".
  const std::optional<KernelVersion>& version() const { return version_; }

  size_t size() const { return options_.size(); }
  const std::map<std::string, std::string, std::less<>>& options() const { return options_; }

 private:
  std::map<std::string, std::string, std::less<>> options_;
  std::optional<KernelVersion> version_;
};

// Removes a leading "CONFIG_".
std::string_view strip_config_prefix(std::string_view option);

}  // namespace bronze::kspp
