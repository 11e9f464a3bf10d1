// machined run as a host process against a disk image file: what the API
// and cluster suites use as a node. A reboot there is the process ending
// with kRebootExitCode; the test starts it again on the slot GRUB would
// boot.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace bronze::test {

constexpr int kRebootExitCode = 10;

struct HostNodeOptions {
  std::filesystem::path disk;      // empty with slot "live"
  std::string slot = "A";          // or "live": booted from the ISO
  std::filesystem::path install_template;  // with slot "live"
  std::filesystem::path dev_dir;   // with slot "live": the disks a config names
  std::filesystem::path trust;     // public key images must be signed with
  std::filesystem::path work_dir;  // also holds the node's log
  std::filesystem::path config;    // empty: the one in the disk's STATE
  int port = 0;                    // 0: a free one
  int trustd_port = 0;             // control plane: trustd's (0: one machined picks)
  std::string trustd_endpoint;     // worker: the control plane's trustd, 127.0.0.1:PORT
  std::string cmdline;             // a kernel command line (bronze.maintenance.token=...)
  std::string hostname;
};

class HostNode {
 public:
  // Starts machined and waits (bounded) until it serves the API (or, without
  // a machine config, the maintenance API); throws with its log when it ends
  // or does not get there.
  explicit HostNode(const HostNodeOptions& options);
  ~HostNode();
  HostNode(const HostNode&) = delete;
  HostNode& operator=(const HostNode&) = delete;

  std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }
  // A control plane's trustd, as its log names it; empty when it serves none.
  std::string trustd_endpoint() const;
  std::string log() const;
  pid_t pid() const { return pid_; }
  // Waits up to `timeout_seconds` for the process to end; its exit code, or -1.
  int wait_exit(int timeout_seconds);
  void stop();

 private:
  HostNodeOptions options_;
  std::filesystem::path log_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// machined's argv for `options` on the API port `port`.
std::vector<std::string> machined_argv(const HostNodeOptions& options, int port);

// Runs machined in the foreground (for its refusals) with `args`.
struct HostRun {
  int exit_code = 0;
  std::string output;
};
HostRun run_machined(const std::vector<std::string>& args);

}  // namespace bronze::test
