// Running bronzectl (and machined as a host process) from tests the way a
// user and the cluster harness do.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/subprocess.h"

namespace bronze::test {

RunResult run_bronzectl(const std::vector<std::string>& args);

// `bronzectl gen config --name NAME --endpoint 127.0.0.1 -o DIR`; fails the
// test run when it cannot.
void gen_config(const std::filesystem::path& dir, const std::string& name);

// bronzectl's argv prefix for talking to `endpoint` with the client config `config`.
std::vector<std::string> ctl(const std::filesystem::path& config, const std::string& endpoint);

// Polls `bronzectl version --json` until the node answers with `version`;
// false after `timeout_seconds`.
bool wait_for_version(const std::filesystem::path& config, const std::string& endpoint, const std::string& version,
                      int timeout_seconds);

const char* machined_path();

}  // namespace bronze::test
