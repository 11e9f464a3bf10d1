// A kernel release number ("6.1.192"), compared numerically so that rules can
// say which kernels they apply to.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace bronze::kspp {

struct KernelVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;

  // Accepts "6.1", "6.1.192", and release strings with a suffix such as
  // "6.1.0-56-cloud-amd64" (the suffix is ignored). nullopt when there is no
  // leading "major.minor".
  static std::optional<KernelVersion> parse(std::string_view text);

  std::string str() const;
  // Same major.minor: a stable series such as 6.1.y.
  bool same_series(const KernelVersion& other) const { return major == other.major && minor == other.minor; }

  auto operator<=>(const KernelVersion&) const = default;
};

}  // namespace bronze::kspp
