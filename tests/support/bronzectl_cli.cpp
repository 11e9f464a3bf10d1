#include "tests/support/bronzectl_cli.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

#include "base/error.h"

namespace bronze::test {

RunResult run_bronzectl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {BRONZE_BRONZECTL};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

void gen_config(const std::filesystem::path& dir, const std::string& name) {
  auto r = run_bronzectl({"gen", "config", "--name", name, "--endpoint", "127.0.0.1", "-o", dir.string()});
  if (r.exit_code != 0) throw Error("bronzectl gen config failed: " + r.err);
}

std::vector<std::string> ctl(const std::filesystem::path& config, const std::string& endpoint) {
  return {"--bronzeconfig", config.string(), "-e", endpoint};
}

bool wait_for_version(const std::filesystem::path& config, const std::string& endpoint, const std::string& version,
                      int timeout_seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    auto args = ctl(config, endpoint);
    args.insert(args.end(), {"--json", "version"});
    auto r = run_bronzectl(args);
    if (r.exit_code == 0) {
      auto rows = nlohmann::json::parse(r.out, nullptr, false);
      if (rows.is_array() && !rows.empty() && rows[0].value("version", "") == version) return true;
    }
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
  return false;
}

const char* machined_path() { return BRONZE_MACHINED; }

}  // namespace bronze::test
