// Accepted exceptions as the platform profile writes them:
//   MODULES: "kept for the GPU driver; signatures are enforced"
#include <yaml-cpp/yaml.h>

#include "base/error.h"
#include "kernel/audit/kspp_audit.h"

namespace bronze::kspp {

std::map<std::string, std::string> load_exceptions(const std::filesystem::path& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path.string());
  } catch (const YAML::BadFile&) {
    throw Error("cannot read the exceptions file " + path.string());
  } catch (const YAML::Exception& e) {
    throw Error("exceptions file " + path.string() + ": " + e.what());
  }
  std::map<std::string, std::string> exceptions;
  if (root.IsNull()) return exceptions;  // an empty file accepts nothing
  if (!root.IsMap()) {
    throw Error("exceptions file " + path.string() + " must map each option to the reason it may fail");
  }
  for (const auto& entry : root) {
    if (!entry.first.IsScalar()) throw Error("exceptions file " + path.string() + ": an option name is not a string");
    const std::string option = entry.first.as<std::string>();
    if (!entry.second.IsScalar() || entry.second.as<std::string>().find_first_not_of(" \t\n") == std::string::npos) {
      throw Error("exceptions file " + path.string() + ": the exception for " + option +
                  " has no reason; write why failing it is acceptable");
    }
    exceptions[option] = entry.second.as<std::string>();
  }
  return exceptions;
}

}  // namespace bronze::kspp
