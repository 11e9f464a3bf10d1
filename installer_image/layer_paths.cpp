#include "installer_image/layer_paths.h"

#include <deque>
#include <vector>

#include "base/error.h"

namespace bronze::oci {

namespace {

// Matches the kernel's MAXSYMLINKS: deeper chains fail with ELOOP anyway.
constexpr int kMaxSymlinkExpansions = 40;

std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) parts.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += '/';
    out += p;
  }
  return out;
}

std::string printable(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, 200)) out += (c == '\0') ? '?' : c;
  return out;
}

}  // namespace

std::string normalize_layer_path(std::string_view name) {
  if (name.find('\0') != std::string_view::npos) {
    throw Error("layer entry '" + printable(name) + "' has a NUL byte in its name");
  }
  if (!name.empty() && name.front() == '/') {
    throw Error("layer entry '" + printable(name) + "' has an absolute path; layers hold relative paths only");
  }
  std::vector<std::string> kept;
  for (auto& part : split(name)) {
    if (part == ".") continue;
    if (part == "..") {
      throw Error("layer entry '" + printable(name) + "' has a '..' component, which could write outside the folder");
    }
    kept.push_back(std::move(part));
  }
  return join(kept);
}

LinkResolution resolve_symlink(std::string_view link, std::string_view target, const SymlinkMap& symlinks) {
  if (target.empty() || target.front() == '/') return LinkResolution::kEscapes;
  std::vector<std::string> resolved = split(link);
  if (!resolved.empty()) resolved.pop_back();  // start in the link's folder
  std::deque<std::string> pending;
  for (auto& part : split(target)) pending.push_back(std::move(part));
  int expansions = 0;
  while (!pending.empty()) {
    std::string part = std::move(pending.front());
    pending.pop_front();
    if (part == ".") continue;
    if (part == "..") {
      if (resolved.empty()) return LinkResolution::kEscapes;
      resolved.pop_back();
      continue;
    }
    resolved.push_back(std::move(part));
    auto it = symlinks.find(join(resolved));
    if (it == symlinks.end()) continue;
    if (++expansions > kMaxSymlinkExpansions) return LinkResolution::kLoops;
    const std::string& next = it->second;
    if (next.empty() || next.front() == '/') return LinkResolution::kEscapes;
    resolved.pop_back();
    auto next_parts = split(next);
    pending.insert(pending.begin(), next_parts.begin(), next_parts.end());
  }
  return LinkResolution::kInside;
}

}  // namespace bronze::oci
