// Running the installer from tests the way a user does.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/subprocess.h"

namespace bronze::test {

RunResult run_installer(const std::vector<std::string>& args, const RunOptions& options = {});
// `installer status --json` of a disk; fails the test run when it cannot.
nlohmann::json disk_status(const std::filesystem::path& disk);

// Builds the installer image of `version` into `out_dir` and returns the
// archive's path.
std::filesystem::path build_installer_image(const std::filesystem::path& out_dir, const std::string& version,
                                            const std::filesystem::path& signing_key,
                                            const std::vector<std::string>& extra_args = {});

}  // namespace bronze::test
