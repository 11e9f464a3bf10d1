// The KSPP audit of every kernel the imager puts into an image: its config
// (read back from the image through IKCONFIG) and the command line the
// imager assembled. A failing rule stops the build unless an exception with a
// written reason accepts it: the project's (kernel/audit/exceptions-ARCH.yaml)
// or the platform's (kspp_exceptions in its file). Accepted exceptions go
// into the signed manifest.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "signing/manifest.h"

namespace bronze::imager {

struct KsppVerdict {
  std::vector<signing::AcceptedException> accepted;
  int ok = 0;
  int not_applicable = 0;
};

// Throws an Error listing every failing rule and what to do about it.
KsppVerdict audit_kernel(const std::filesystem::path& kernel, const std::string& arch, const std::string& cmdline,
                         const std::map<std::string, std::string>& exceptions);

// The project's exceptions for `arch` (none when the file is missing) merged
// with the platform's; the platform's reason wins for the same option.
std::map<std::string, std::string> kspp_exceptions(const std::filesystem::path& data_dir, const std::string& arch,
                                                   const std::map<std::string, std::string>& platform_exceptions);

}  // namespace bronze::imager
