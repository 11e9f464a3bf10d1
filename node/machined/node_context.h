// What the API needs to know about, and do to, the node it runs on. On a
// booted node machined fills this in from the kernel command line, os-release
// and the boot disk; run as a host process (the cluster suite) it comes from
// flags, and a reboot is a process exit the harness turns into a restart.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "machine_config/machine_config.h"
#include "node/machined/boot/banner.h"
#include "node/machined/log_buffer.h"
#include "node/machined/trust/maintenance_token.h"

namespace bronze::machined {

struct NodeContext {
  BootFacts facts;                          // version, slot, arch, platform
  std::optional<std::filesystem::path> disk;  // the boot disk, when found
  std::filesystem::path trust;              // the running image's trust store (a key, or a folder of them)
  std::filesystem::path work_dir;           // upgrade images are received and unpacked here
  // Where the disks a machine config names (/dev/vda) are: /dev on a node,
  // a folder of disk image files for machined run as a host process.
  std::filesystem::path dev_dir = "/dev";
  std::string hostname;
  // The resolvers the platform's metadata named (used when the config
  // names none).
  std::vector<std::string> platform_nameservers;
  std::string machine_type;                 // controlplane or worker
  std::optional<config::MachineConfig> config;  // from STATE; none in maintenance mode
  std::string config_text;                  // that config as it was read
  std::string node_name;                    // its etcd member and upgrade lease name
  // Required of whoever applies a config in maintenance mode, when set
  // (from the kernel command line for now).
  std::optional<MaintenanceToken> maintenance_token;
  LogBuffer* log = nullptr;
  // Restarts the machine; called once the answer to the caller went out.
  std::function<void()> reboot;
  // Held (shared) while a child process runs, so that PID 1's reaper does
  // not collect the exit status its runner waits for.
  std::shared_mutex* children = nullptr;

  void say(const std::string& line) const;
  // Says why, then reboots a moment later, once the answer to the current
  // API call is on its way.
  void reboot_soon(const std::string& why) const;
};

}  // namespace bronze::machined
