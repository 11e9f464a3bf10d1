#include "cluster/etcd/upgrade_lease.h"

#include <algorithm>

#include "base/error.h"
#include "cluster/etcd/lease_value.h"

namespace bronze::etcd {

namespace {

// Renewing three times per TTL leaves two chances to miss one.
std::chrono::milliseconds renewal_interval(std::chrono::seconds ttl) {
  return std::max(std::chrono::milliseconds(500), std::chrono::duration_cast<std::chrono::milliseconds>(ttl) / 3);
}

// A lease we granted but could not use: revoked so it holds nothing. If
// etcd does not answer now, it expires by itself after its TTL.
void discard_lease(Client& client, int64_t lease) {
  try {
    client.revoke_lease(lease);
  } catch (const Error&) {
  }
}

}  // namespace

std::optional<UpgradeLease> UpgradeLease::try_acquire(Client& client, const std::string& node,
                                                      std::chrono::seconds ttl, std::string* holder) {
  if (node.empty()) throw Error("upgrade lease: the node name is empty");
  int64_t lease = client.grant_lease(ttl);
  std::optional<KeyValue> existing;
  try {
    existing = client.put_if_absent(kUpgradeLeaseKey, encode_lease_holder({node, lease}), lease);
  } catch (const Error&) {
    discard_lease(client, lease);
    throw;
  }
  if (!existing) return UpgradeLease(client, node, lease, ttl, false);
  discard_lease(client, lease);

  std::optional<LeaseHolder> current = parse_lease_holder(existing->value);
  // Ours from before a restart, or from our own earlier attempt whose answer
  // was lost: resumed when the etcd lease the key is bound to still lives.
  // The key's own lease decides, not the one written in the value.
  if (current && current->node == node && existing->lease != 0 && client.lease_ttl_left(existing->lease) > 0) {
    return UpgradeLease(client, node, existing->lease, ttl, true);
  }
  if (holder) *holder = current ? current->node : "unknown holder (value " + existing->value + ")";
  return std::nullopt;
}

UpgradeLease::UpgradeLease(Client& client, std::string node, int64_t lease, std::chrono::seconds ttl, bool resumed)
    : client_(&client),
      node_(std::move(node)),
      lease_(lease),
      resumed_(resumed),
      keep_alive_(std::make_unique<LeaseKeepAlive>(client, lease, renewal_interval(ttl))) {}

UpgradeLease::~UpgradeLease() = default;
UpgradeLease::UpgradeLease(UpgradeLease&&) noexcept = default;
UpgradeLease& UpgradeLease::operator=(UpgradeLease&&) noexcept = default;

bool UpgradeLease::held() const { return !released_ && !(keep_alive_ && keep_alive_->lease_lost()); }

void UpgradeLease::release() {
  stop_renewing();
  if (released_) return;
  client_->revoke_lease(lease_);
  released_ = true;
}

void UpgradeLease::stop_renewing() {
  if (keep_alive_) keep_alive_->stop();
}

}  // namespace bronze::etcd
