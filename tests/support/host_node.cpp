#include "tests/support/host_node.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "base/error.h"
#include "base/files.h"
#include "base/subprocess.h"
#include "tests/support/bronzectl_cli.h"
#include "tests/support/qemu.h"

extern char** environ;

namespace bronze::test {
namespace fs = std::filesystem;

std::vector<std::string> machined_argv(const HostNodeOptions& options, int port) {
  std::vector<std::string> argv = {machined_path(), "--slot", options.slot, "--trust", options.trust.string(),
                                   "--work-dir", (options.work_dir / "run").string(), "--listen",
                                   "127.0.0.1:" + std::to_string(port)};
  if (!options.disk.empty()) argv.insert(argv.end(), {"--disk", options.disk.string()});
  if (!options.install_template.empty()) argv.insert(argv.end(), {"--install-template", options.install_template.string()});
  if (!options.dev_dir.empty()) argv.insert(argv.end(), {"--dev-dir", options.dev_dir.string()});
  if (!options.config.empty()) argv.insert(argv.end(), {"--config", options.config.string()});
  if (options.trustd_port) argv.insert(argv.end(), {"--trustd-listen", "127.0.0.1:" + std::to_string(options.trustd_port)});
  if (!options.trustd_endpoint.empty()) argv.insert(argv.end(), {"--trustd-endpoint", options.trustd_endpoint});
  if (!options.cmdline.empty()) argv.insert(argv.end(), {"--cmdline", options.cmdline});
  if (!options.hostname.empty()) argv.insert(argv.end(), {"--hostname", options.hostname});
  return argv;
}

HostNode::HostNode(const HostNodeOptions& options) : options_(options) {
  port_ = options.port ? options.port : free_local_port();
  fs::create_directories(options.work_dir);
  log_ = options.work_dir / ("machined-" + options.slot + "-" + std::to_string(port_) + ".log");
  std::vector<std::string> argv = machined_argv(options, port_);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  int rc = posix_spawn(&pid_, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw Error("cannot start machined: " + std::string(std::strerror(rc)));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = log();
    if (text.find("machined: API on") != std::string::npos || text.find("maintenance mode: the API on") != std::string::npos) {
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw Error("machined ended before serving the API:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stop();
  throw Error("machined did not serve the API within 60 s:\n" + log());
}

HostNode::~HostNode() { stop(); }

std::string HostNode::log() const { return fs::exists(log_) ? read_file(log_) : ""; }

std::string HostNode::trustd_endpoint() const {
  const std::string marker = "machined: trustd on ";
  std::string text = log();
  auto at = text.find(marker);
  if (at == std::string::npos) return "";
  at += marker.size();
  return text.substr(at, text.find(' ', at) - at);
}

int HostNode::wait_exit(int timeout_seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (pid_ > 0) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return -1;
}

void HostNode::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

HostRun run_machined(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {machined_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run(argv);
  return {r.exit_code, r.out + r.err};
}

}  // namespace bronze::test
