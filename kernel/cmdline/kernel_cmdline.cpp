#include "kernel/cmdline/kernel_cmdline.h"

#include "base/error.h"

namespace bronze {

KernelCmdline KernelCmdline::parse(const std::string& text) {
  KernelCmdline out;
  std::string current;
  bool in_quotes = false;
  bool have = false;
  for (char c : text) {
    if (c == '"') {
      in_quotes = !in_quotes;
      have = true;
      continue;
    }
    if (!in_quotes && (c == ' ' || c == '\n' || c == '\t')) {
      if (have) out.args_.push_back(current);
      current.clear();
      have = false;
      continue;
    }
    current.push_back(c);
    have = true;
  }
  if (have) out.args_.push_back(current);
  return out;
}

std::optional<std::string> KernelCmdline::get(const std::string& key) const {
  std::optional<std::string> found;
  for (const auto& arg : args_) {
    if (arg.size() > key.size() && arg.compare(0, key.size(), key) == 0 && arg[key.size()] == '=') {
      found = arg.substr(key.size() + 1);
    }
  }
  return found;
}

bool KernelCmdline::has(const std::string& key) const {
  for (const auto& arg : args_) {
    if (arg == key) return true;
  }
  return get(key).has_value();
}

std::string join_cmdline(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& arg : args) {
    if (arg.empty()) throw Error("kernel argument is empty");
    for (char c : arg) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '"' || c == '\\') {
        throw Error("kernel argument '" + arg + "' holds whitespace, a quote or a backslash; pass one argument per item");
      }
    }
    if (!out.empty()) out += ' ';
    out += arg;
  }
  return out;
}

}  // namespace bronze
