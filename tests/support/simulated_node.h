// A node of the cluster suite: machined run as a host process on its own
// disk image file, rebooted the way a machine is. When machined ends with
// the reboot status, the real grub.cfg of the disk runs in grub-emu (which
// spends a try of a slot on trial, as GRUB does) to choose the slot; a slot
// whose kernel command line asks for a panic (bronze.test.panic) "crashes"
// and GRUB runs again; then machined starts on the chosen slot, on the same
// port.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/host_node.h"

namespace bronze::test {

class SimulatedNode {
 public:
  SimulatedNode(std::string name, const HostNodeOptions& options);
  ~SimulatedNode();

  const std::string& name() const { return name_; }
  std::string endpoint() const { return "127.0.0.1:" + std::to_string(options_.port); }
  // Every machined log of this node so far, boot after boot.
  std::string logs() const;
  int boots() const { return boots_.load(); }
  // The slot of each boot, in order ("A", "B"...); a crashed slot shows as "B!".
  std::vector<std::string> boot_slots() const;

 private:
  void supervise();
  std::string choose_slot();

  std::string name_;
  HostNodeOptions options_;
  mutable std::mutex mutex_;
  std::unique_ptr<HostNode> process_;
  std::string past_logs_;
  std::vector<std::string> slots_;
  std::atomic<int> boots_{0};
  std::atomic<bool> stopping_{false};
  std::thread supervisor_;
};

}  // namespace bronze::test
