// Building images from tests the way a user does: by running the imager.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/subprocess.h"

namespace bronze::test {

// The cached kernel folder from BRONZE_KERNEL_DIR; fails the test run with a
// clear message when it is not set.
std::filesystem::path kernel_dir();
std::filesystem::path kernel_image();

// The imager's argv for `command` (a platform, or "installer") building
// `version` for amd64 into `out_dir` with the cached kernel and `signing_key`.
std::vector<std::string> imager_build_argv(const std::string& command, const std::filesystem::path& out_dir,
                                           const std::string& version, const std::filesystem::path& signing_key,
                                           const std::vector<std::string>& extra_args);

// Runs the imager with `args` (no implicit flags).
RunResult run_imager(const std::vector<std::string>& args);

// Builds `platform`'s amd64 image into `out_dir` with the cached kernel and
// a signing key of the test's own; throws with the imager's stderr on failure.
void build_image(const std::filesystem::path& out_dir, const std::string& version,
                 const std::filesystem::path& signing_key, const std::vector<std::string>& extra_args = {},
                 const std::string& platform = "metal");

// Creates an Ed25519 key pair in `dir`: key.pem and key.pub.
void make_key_pair(const std::filesystem::path& dir, const std::string& name = "key");

// Copies a disk image keeping it sparse.
void copy_sparse(const std::filesystem::path& from, const std::filesystem::path& to);

// The files in a folder, sorted (to check that nothing was left behind).
std::vector<std::string> list_dir(const std::filesystem::path& dir);

}  // namespace bronze::test
