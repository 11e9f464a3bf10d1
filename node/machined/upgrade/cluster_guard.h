// Steps 2 to 4 of the upgrade sequence (docs/DESIGN.md), which keep a cluster
// safe while one of its nodes upgrades, and their undoing at the end:
//   - on a control plane node with etcd configured: every member started and
//     healthy, not exactly two members, quorum kept without this node (the
//     check is skipped, and logged as skipped, with `force`); then the
//     upgrade lease in etcd, waited for while another node holds it, held
//     through the reboot and released only after the commit or the reported
//     rollback;
//   - with a Kubernetes API configured: cordon and drain the node, and
//     uncordon it after the commit;
//   - without `preserve`: leave etcd membership, to join again after the
//     reboot (see ClusterGuard::leave_etcd).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "machine_config/machine_config.h"

namespace bronze::etcd {
class Client;
class UpgradeLease;
}  // namespace bronze::etcd

namespace bronze::machined {

struct ClusterOptions {
  bool force = false;
  bool preserve = true;
  std::chrono::seconds lease_ttl{120};   // covers a reboot; kept alive while machined runs
  std::chrono::seconds lease_wait{900};  // how long to wait for another node's upgrade
  std::chrono::seconds drain_deadline{300};
};

class ClusterGuard {
 public:
  using Say = std::function<void(const std::string&)>;
  ClusterGuard(const config::MachineConfig& config, const std::string& node_name, Say say);
  ~ClusterGuard();

  // Before anything is written: etcd's health and the upgrade lease. Throws,
  // having undone what it did, when the cluster is not safe or the lease
  // cannot be had in time.
  void admit(const ClusterOptions& options);
  // Once the slot is written and verified, before it is put on trial:
  // cordon and drain, and leave etcd without `preserve`. Throws, having
  // undone everything (the lease too), when a step fails.
  void make_way(const ClusterOptions& options);
  // A later step failed: rejoin etcd, uncordon, release the lease. Once;
  // later calls do nothing.
  void abandon();

  // At boot, once the booted slot is committed or the failed trial
  // reported: rejoin etcd if the upgrade left it, uncordon, and release the
  // lease this node holds. Lines for the log.
  static std::vector<std::string> finish_at_boot(const config::MachineConfig& config, const std::string& node_name);

  // The name this node holds the lease and its etcd membership under.
  static std::string node_name_of(const config::MachineConfig& config, const std::string& hostname);

 private:
  void check_etcd(bool force);
  void take_lease(const ClusterOptions& options);
  void drain(const ClusterOptions& options);

  const config::MachineConfig& config_;
  std::string node_;
  Say say_;
  std::unique_ptr<etcd::Client> etcd_;
  std::unique_ptr<etcd::UpgradeLease> lease_;
  bool cordoned_ = false;
  bool abandoned_ = false;
};

}  // namespace bronze::machined
