#include "kernel/cmdline/image_cmdline.h"

#include <yaml-cpp/yaml.h>

#include "base/error.h"

namespace bronze {

KernelArgs parse_kernel_args(const std::string& yaml_text, const std::string& file_name) {
  KernelArgs out;
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    throw Error(file_name + ":" + std::to_string(e.mark.line + 1) + ": malformed YAML: " + e.msg);
  }
  if (!root.IsMap()) throw Error(file_name + ": expected a mapping of 'common', 'amd64', 'arm64' to lists");
  for (const auto& item : root) {
    auto key = item.first.as<std::string>();
    if (key != "common" && key != "amd64" && key != "arm64") {
      throw Error(file_name + ":" + std::to_string(item.first.Mark().line + 1) + ": unknown key '" + key + "'");
    }
    if (!item.second.IsSequence()) throw Error(file_name + ": '" + key + "' must be a list");
    std::vector<std::string> args;
    for (const auto& a : item.second) args.push_back(a.as<std::string>());
    if (key == "common") out.common = args;
    else out.per_arch[key] = args;
  }
  return out;
}

std::vector<std::string> assemble_cmdline(const PlatformArgs& platform, const std::string& arch,
                                          const KernelArgs& kernel, const std::vector<std::string>& extra) {
  std::vector<std::string> args;
  auto consoles = platform.consoles.find(arch);
  if (consoles != platform.consoles.end()) {
    for (const auto& c : consoles->second) args.push_back("console=" + c);
  }
  args.insert(args.end(), kernel.common.begin(), kernel.common.end());
  auto per_arch = kernel.per_arch.find(arch);
  if (per_arch != kernel.per_arch.end()) args.insert(args.end(), per_arch->second.begin(), per_arch->second.end());
  args.insert(args.end(), platform.args.begin(), platform.args.end());
  args.push_back("bronze.platform=" + platform.name);
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

}  // namespace bronze
