// Runs external programs by argv, never through a shell. A failure's message
// carries the program's stderr so the user sees why it failed.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace bronze {

struct RunOptions {
  // Added to (or replacing in) the inherited environment.
  std::vector<std::pair<std::string, std::string>> env;
  std::string working_dir;
  // Removed from the inherited environment.
  std::vector<std::string> unset_env;
  // Standard input; empty: /dev/null.
  std::string stdin_file = {};
  // Called with each line of stderr as it arrives (without the newline), for
  // relaying a long-running program's progress; stderr is still collected.
  std::function<void(const std::string&)> on_stderr_line = {};
};

struct RunResult {
  int exit_code = 0;  // 128 + signal number when killed by a signal
  uint64_t max_rss_kib = 0;  // the program's peak resident memory
  std::string out;
  std::string err;
};

// Runs argv[0] (looked up in PATH) and collects its output.
RunResult run(const std::vector<std::string>& argv, const RunOptions& options = {});

// Like run(), but throws bronze::Error naming the program, its exit status and
// its stderr when it does not exit 0.
RunResult run_checked(const std::vector<std::string>& argv, const RunOptions& options = {});

// True when `program` is found in PATH.
bool program_exists(const std::string& program);

}  // namespace bronze
