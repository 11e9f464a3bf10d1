// The upgrade lease: at most one control plane node upgrades at a time.
//
// The key /bronze/upgrade/lease holds {"node": name, "lease": id} and is
// bound to an etcd lease with a TTL long enough to cover a reboot. A node
// acquires it when the key is free (a transaction: create revision == 0 ->
// put with the lease), or when it is its own: after a restart, the same
// node name with the etcd lease still alive resumes that hold. Otherwise
// the holder is reported. A holder that vanished is taken over only after
// its etcd lease expires, when etcd deletes the key; so there are never two
// holders. While held, a background thread keeps the etcd lease alive.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "cluster/etcd/client.h"
#include "cluster/etcd/lease_keep_alive.h"

namespace bronze::etcd {

inline constexpr const char* kUpgradeKeyPrefix = "/bronze/upgrade/";
inline constexpr const char* kUpgradeLeaseKey = "/bronze/upgrade/lease";
// Long enough for a node to reboot into its new system and resume the hold.
inline constexpr std::chrono::seconds kDefaultUpgradeLeaseTtl{120};

class UpgradeLease {
 public:
  // Acquires or resumes the lease for `node`; nullopt when another node
  // holds it, whose name goes to *holder (when given). `ttl` also sets the
  // renewal interval (a third of it). Throws bronze::Error when etcd does
  // not answer. The Client must outlive the lease.
  static std::optional<UpgradeLease> try_acquire(Client& client, const std::string& node,
                                                 std::chrono::seconds ttl = kDefaultUpgradeLeaseTtl,
                                                 std::string* holder = nullptr);

  // Stops renewing but does not release: a node going down for its reboot
  // keeps the hold until it resumes it or the TTL runs out.
  ~UpgradeLease();
  UpgradeLease(UpgradeLease&&) noexcept;
  UpgradeLease& operator=(UpgradeLease&&) noexcept;

  const std::string& node() const { return node_; }
  int64_t lease_id() const { return lease_; }
  // True when this hold was found in etcd rather than created now.
  bool resumed() const { return resumed_; }
  // False once etcd said the lease is gone (it expired while renewals
  // failed, or was revoked): the node no longer holds it.
  bool held() const;

  // Revokes the etcd lease, which deletes the key: the next node may go.
  void release();
  // Leaves the lease to expire after its TTL, as a node that vanished does.
  void stop_renewing();

 private:
  UpgradeLease(Client& client, std::string node, int64_t lease, std::chrono::seconds ttl, bool resumed);

  Client* client_;
  std::string node_;
  int64_t lease_ = 0;
  bool resumed_ = false;
  bool released_ = false;
  std::unique_ptr<LeaseKeepAlive> keep_alive_;
};

}  // namespace bronze::etcd
