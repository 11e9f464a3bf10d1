#include "imager/profile/platform.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "base/error.h"
#include "base/files.h"
#include "base/units.h"
#include "imager/outputs/disk_formats.h"

namespace bronze::imager {

namespace {

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
    const auto& mark = node.Mark();
    if (mark.is_null()) throw Error(file_ + ": " + message);
    throw Error(file_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) + ": " + message);
  }

  void only_keys(const YAML::Node& map, const std::set<std::string>& allowed, const std::string& where) const {
    if (!map.IsMap()) fail(map, where + " must be a mapping");
    for (const auto& item : map) {
      auto key = item.first.as<std::string>();
      if (!allowed.count(key)) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        fail(item.first, "unknown key '" + key + "' in " + where + " (known: " + list + ")");
      }
    }
  }

  YAML::Node require(const YAML::Node& map, const std::string& key, const std::string& where) const {
    YAML::Node node = map[key];
    if (!node) fail(map, where + " has no '" + key + "'");
    return node;
  }

  std::string scalar(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar()) fail(node, what + " must be a string");
    return node.as<std::string>();
  }

  std::vector<std::string> strings(const YAML::Node& node, const std::string& what) const {
    if (!node.IsSequence()) fail(node, what + " must be a list of strings");
    std::vector<std::string> out;
    for (const auto& item : node) out.push_back(scalar(item, "each item of " + what));
    return out;
  }

  uint64_t size(const YAML::Node& node, const std::string& what) const {
    try {
      return parse_size(scalar(node, what));
    } catch (const Error& e) {
      fail(node, what + ": " + e.what());
    }
  }

 private:
  std::string file_;
};

const std::set<std::string> kKnownArches = {"amd64", "arm64"};

}  // namespace

bool Platform::supports(const std::string& arch) const {
  return std::find(arches.begin(), arches.end(), arch) != arches.end();
}

std::vector<KernelDriver> Platform::drivers_for(const std::string& arch) const {
  std::vector<KernelDriver> out;
  for (const auto& d : kernel_drivers) {
    if (d.arch.empty() || d.arch == arch) out.push_back(d);
  }
  return out;
}

Platform parse_platform(const std::string& yaml_text, const std::string& file_name) {
  Reader r(file_name);
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    throw Error(file_name + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                ": malformed YAML: " + e.msg);
  }
  r.only_keys(root, {"name", "arch", "console", "kernel_args", "disk", "format", "formats", "kspp_exceptions",
                     "kernel_drivers"},
              "the platform");
  Platform p;
  p.name = r.scalar(r.require(root, "name", "the platform"), "name");
  p.arches = r.strings(r.require(root, "arch", "the platform"), "arch");
  for (size_t i = 0; i < p.arches.size(); ++i) {
    if (!kKnownArches.count(p.arches[i])) r.fail(root["arch"][i], "unknown arch '" + p.arches[i] + "' (amd64 or arm64)");
  }
  YAML::Node consoles = r.require(root, "console", "the platform");
  r.only_keys(consoles, kKnownArches, "console");
  for (const auto& item : consoles) {
    p.consoles[item.first.as<std::string>()] = r.strings(item.second, "console." + item.first.as<std::string>());
  }
  for (const auto& arch : p.arches) {
    if (!p.consoles.count(arch)) r.fail(consoles, "console has no entry for arch " + arch);
  }
  if (root["kernel_args"]) p.kernel_args = r.strings(root["kernel_args"], "kernel_args");
  YAML::Node disk = r.require(root, "disk", "the platform");
  r.only_keys(disk, {"size", "boot_size"}, "disk");
  p.disk_size = r.size(r.require(disk, "size", "disk"), "disk.size");
  p.boot_size = r.size(r.require(disk, "boot_size", "disk"), "disk.boot_size");
  p.format = r.scalar(r.require(root, "format", "the platform"), "format");
  if (YAML::Node exceptions = root["kspp_exceptions"]) {
    if (!exceptions.IsMap()) r.fail(exceptions, "kspp_exceptions must map options to reasons");
    for (const auto& item : exceptions) {
      std::string option = r.scalar(item.first, "a kspp_exceptions key");
      std::string reason = item.second.IsScalar() ? item.second.as<std::string>() : "";
      if (reason.empty()) r.fail(item.first, "kspp_exceptions: " + option + " needs a written reason");
      p.kspp_exceptions[option] = reason;
    }
  }
  if (YAML::Node drivers = root["kernel_drivers"]) {
    if (!drivers.IsSequence()) r.fail(drivers, "kernel_drivers must be a list of {option, module, for}");
    std::set<std::string> seen;
    for (const auto& item : drivers) {
      r.only_keys(item, {"option", "module", "arch", "for"}, "a kernel_drivers entry");
      KernelDriver d;
      d.option = r.scalar(r.require(item, "option", "a kernel_drivers entry"), "option");
      if (d.option.rfind("CONFIG_", 0) == 0) r.fail(item["option"], "write the option without CONFIG_: " + d.option.substr(7));
      if (d.option.empty() || d.option.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != std::string::npos) {
        r.fail(item["option"], "'" + d.option + "' is not a Kconfig option name");
      }
      if (item["module"]) d.module = r.scalar(item["module"], "module");
      if (item["arch"]) {
        d.arch = r.scalar(item["arch"], "arch");
        if (std::find(p.arches.begin(), p.arches.end(), d.arch) == p.arches.end()) {
          r.fail(item["arch"], "kernel_drivers: " + d.option + " is for arch " + d.arch + ", which the platform does not have");
        }
      }
      d.purpose = r.scalar(r.require(item, "for", "a kernel_drivers entry"), "for");
      if (d.purpose.empty()) r.fail(item, "kernel_drivers: " + d.option + " needs a 'for': what the platform hands the guest that needs it");
      if (!seen.insert(d.option + "/" + d.arch).second) r.fail(item, "kernel_drivers: " + d.option + " is listed twice");
      p.kernel_drivers.push_back(std::move(d));
    }
  }
  p.formats = {p.format};
  if (root["formats"]) {
    for (const auto& f : r.strings(root["formats"], "formats")) {
      if (std::find(p.formats.begin(), p.formats.end(), f) == p.formats.end()) p.formats.push_back(f);
    }
  }
  const auto& known = known_disk_formats();
  for (size_t i = 0; i < p.formats.size(); ++i) {
    if (std::find(known.begin(), known.end(), p.formats[i]) == known.end()) {
      r.fail(i == 0 ? root["format"] : root["formats"], "unknown disk format '" + p.formats[i] + "'");
    }
  }
  return p;
}

std::vector<std::string> list_platforms(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

Platform load_platform(const std::filesystem::path& dir, const std::string& name) {
  auto path = dir / (name + ".yaml");
  if (name.empty() || name.find('/') != std::string::npos || !std::filesystem::exists(path)) {
    std::string known;
    for (const auto& n : list_platforms(dir)) known += (known.empty() ? "" : ", ") + n;
    throw Error("unknown platform '" + name + "' (known: " + (known.empty() ? "none found in " + dir.string() : known) + ")");
  }
  Platform p = parse_platform(read_file(path), path.string());
  if (p.name != name) throw Error(path.string() + ": name '" + p.name + "' does not match the file name");
  return p;
}

}  // namespace bronze::imager
