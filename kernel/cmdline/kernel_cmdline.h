// The kernel command line: parsing what /proc/cmdline holds, and joining the
// arguments the imager assembles.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace bronze {

class KernelCmdline {
 public:
  // Splits on spaces, keeping double-quoted values together as the kernel does.
  static KernelCmdline parse(const std::string& text);

  // The value of the last `key=value` (the kernel's rule too), or nullopt.
  std::optional<std::string> get(const std::string& key) const;
  // True for a bare `key` or any `key=...`.
  bool has(const std::string& key) const;
  const std::vector<std::string>& args() const { return args_; }

 private:
  std::vector<std::string> args_;
};

// Joins arguments with single spaces; throws on an argument that is empty or
// holds whitespace or a quote, which the boot loader would split or mangle.
std::string join_cmdline(const std::vector<std::string>& args);

}  // namespace bronze
