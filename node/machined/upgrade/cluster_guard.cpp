#include "node/machined/upgrade/cluster_guard.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <thread>

#include "base/error.h"
#include "cluster/etcd/client.h"
#include "cluster/etcd/lease_value.h"
#include "cluster/etcd/upgrade_lease.h"
#include "cluster/etcd/upgrade_safety.h"
#include "cluster/kubernetes/kube_client.h"
#include "node/machined/upgrade/etcd_access.h"

namespace bronze::machined {

namespace {

// Where a node that left etcd for an upgrade keeps its peer URLs, so that it
// can join again after the reboot under the same addresses.
std::string left_key(const std::string& node) { return std::string(etcd::kUpgradeKeyPrefix) + "left/" + node; }

bool is_control_plane(const config::MachineConfig& c) { return c.machine.type == config::MachineType::controlplane; }

std::unique_ptr<etcd::Client> etcd_client(const config::MachineConfig& c) { return etcd_client_of(c); }

std::unique_ptr<kube::Client> kube_client(const config::MachineConfig& c) {
  kube::ApiOptions options;
  options.api_server = c.cluster.kubernetes->api_server;
  if (!c.cluster.kubernetes->token.empty()) {
    std::ifstream in(c.cluster.kubernetes->token);
    if (!in) throw Error("cannot read the Kubernetes token file " + c.cluster.kubernetes->token);
    std::stringstream text;
    text << in.rdbuf();
    options.bearer_token = text.str();
    while (!options.bearer_token.empty() && std::isspace(static_cast<unsigned char>(options.bearer_token.back()))) {
      options.bearer_token.pop_back();
    }
  }
  return std::make_unique<kube::Client>(options);
}

// etcd refuses to remove a member ("unhealthy cluster") until the others
// have been connected for a few seconds, e.g. right after a member restart.
void remove_member_when_allowed(etcd::Client& client, uint64_t id) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (true) {
    try {
      client.remove_member(id);
      return;
    } catch (const std::exception&) {
      if (std::chrono::steady_clock::now() >= deadline) throw;
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  }
}

// A leader that removes itself leaves the others to elect a new one, and
// no read is answered until they have: hand the leadership to another
// started member first, as etcd's documentation advises (`etcdctl
// move-leader`). Best effort: a failure is logged and the removal goes on.
void hand_over_leadership(etcd::Client& client, const etcd::Member& self, const ClusterGuard::Say& say) {
  try {
    if (self.client_urls.empty()) return;
    if (client.status(self.client_urls.front()).leader != self.id) return;
    for (const auto& other : client.members()) {
      if (other.id == self.id || !other.started() || other.is_learner || other.client_urls.empty()) continue;
      client.move_leader(self.client_urls.front(), other.id);
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (std::chrono::steady_clock::now() < deadline) {
        try {
          if (client.status(other.client_urls.front()).leader == other.id) break;
        } catch (const std::exception&) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      say("etcd: leadership handed to " + other.name + " before leaving");
      return;
    }
  } catch (const std::exception& e) {
    say(std::string("etcd: could not hand the leadership over before leaving: ") + e.what());
  }
}

// After this node left: the remaining members serve linearizable reads
// again (they elect a new leader when this node led) before the node goes on
// to its reboot, whose rejoin is one more membership change; two changes in
// the middle of an election can leave the cluster without quorum for seconds.
bool wait_until_members_serve(etcd::Client& client, const std::string& key) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (true) {
    try {
      client.get(key);
      return true;
    } catch (const std::exception&) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
}

// The Kubernetes node is the machine's hostname, else the name it upgrades under.
std::string kube_node_name(const config::MachineConfig& c, const std::string& node) {
  return c.machine.network.hostname.empty() ? node : c.machine.network.hostname;
}

std::string uncordon(const config::MachineConfig& c, const std::string& node) {
  std::string name = kube_node_name(c, node);
  try {
    kube_client(c)->uncordon(name);
    return "kubernetes: uncordoned " + name;
  } catch (const std::exception& e) {
    return std::string("kubernetes: cannot uncordon: ") + e.what();
  }
}

// Joins etcd again if the upgrade left it, and releases the upgrade lease
// when this node holds it.
std::vector<std::string> rejoin_and_release(const config::MachineConfig& c, const std::string& node) {
  std::vector<std::string> lines;
  try {
    auto client = etcd_client(c);
    if (auto left = client->get(left_key(node))) {
      auto peers = nlohmann::json::parse(*left).get<std::vector<std::string>>();
      uint64_t id = client->add_member(peers);
      client->erase(left_key(node));
      lines.push_back("etcd: " + node + " joined the cluster again (member " + etcd::member_id_hex(id) + ")");
    }
    auto value = client->get(etcd::kUpgradeLeaseKey);
    auto holder = value ? etcd::parse_lease_holder(*value) : std::nullopt;
    if (holder && holder->node == node) {
      client->revoke_lease(holder->lease);
      lines.push_back("etcd: upgrade lease released by " + node);
    }
  } catch (const std::exception& e) {
    lines.push_back(std::string("etcd: cannot finish the upgrade's cluster steps: ") + e.what());
  }
  return lines;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "; ") + l;
  return out;
}

}  // namespace

std::string ClusterGuard::node_name_of(const config::MachineConfig& c, const std::string& hostname) {
  if (c.cluster.etcd && !c.cluster.etcd->member_name.empty()) return c.cluster.etcd->member_name;
  if (!c.machine.network.hostname.empty()) return c.machine.network.hostname;
  return hostname;
}

ClusterGuard::ClusterGuard(const config::MachineConfig& config, const std::string& node_name, Say say)
    : config_(config), node_(node_name), say_(std::move(say)) {}

ClusterGuard::~ClusterGuard() = default;

void ClusterGuard::check_etcd(bool force) {
  if (force) {
    say_("etcd: force is set: the health and quorum check is skipped");
    return;
  }
  auto verdict = etcd::check_upgrade_safety(*etcd_, node_);
  if (!verdict.safe) {
    throw Error("etcd is not safe to upgrade " + node_ + ": " + join(verdict.problems) +
                " (fix the members named, or pass --force to skip this check)");
  }
  say_("etcd: every member healthy; quorum holds without " + node_);
}

void ClusterGuard::take_lease(const ClusterOptions& options) {
  auto deadline = std::chrono::steady_clock::now() + options.lease_wait;
  std::string last_holder;
  while (true) {
    std::string holder;
    auto lease = etcd::UpgradeLease::try_acquire(*etcd_, node_, options.lease_ttl, &holder);
    if (lease) {
      lease_ = std::make_unique<etcd::UpgradeLease>(std::move(*lease));
      say_(std::string("etcd: upgrade lease ") + (lease_->resumed() ? "resumed" : "acquired") + " by " + node_);
      // The node that held it may have just come back: the cluster must be
      // healthy again before this one goes down.
      try {
        check_etcd(options.force);
      } catch (...) {
        lease_->release();
        lease_.reset();
        if (std::chrono::steady_clock::now() >= deadline) throw;
        say_("etcd: not healthy yet after the last upgrade; released the lease and waiting");
        std::this_thread::sleep_for(std::chrono::seconds(2));
        continue;
      }
      return;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      throw Error("the upgrade lease is held by " + holder + "; its upgrade did not finish within " +
                  std::to_string(options.lease_wait.count()) + " s");
    }
    if (holder != last_holder) say_("etcd: waiting for the upgrade lease, held by " + holder);
    last_holder = holder;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

void ClusterGuard::drain(const ClusterOptions& options) {
  if (!config_.cluster.kubernetes) {
    say_("kubernetes: no API configured; cordon and drain skipped");
    return;
  }
  std::string node = kube_node_name(config_, node_);
  auto client = kube_client(config_);
  client->cordon(node);
  cordoned_ = true;
  say_("kubernetes: cordoned " + node);
  kube::DrainOptions drain;
  drain.deadline = options.drain_deadline;
  drain.log = [this](const std::string& line) { say_("kubernetes: " + line); };
  client->drain(node, drain);
  say_("kubernetes: drained " + node);
}

void ClusterGuard::admit(const ClusterOptions& options) {
  try {
    if (is_control_plane(config_) && has_etcd(config_)) {
      etcd_ = etcd_client(config_);
      check_etcd(options.force);
      take_lease(options);
    } else if (is_control_plane(config_)) {
      say_("etcd: no endpoints configured; health check and upgrade lease skipped");
    }
  } catch (...) {
    abandon();
    throw;
  }
}

void ClusterGuard::make_way(const ClusterOptions& options) {
  try {
    drain(options);
    if (!options.preserve && etcd_) {
      // Leave etcd membership; the member rejoins after the reboot.
      for (const auto& m : etcd_->members()) {
        if (m.name != node_) continue;
        etcd_->put(left_key(node_), nlohmann::json(m.peer_urls).dump());
        hand_over_leadership(*etcd_, m, say_);
        remove_member_when_allowed(*etcd_, m.id);
        say_("etcd: " + node_ + " left the cluster (preserve is off)");
        if (!wait_until_members_serve(*etcd_, left_key(node_))) {
          say_("etcd: the remaining members did not serve a read within 30 s of " + node_ + " leaving; going on");
        }
      }
    }
  } catch (...) {
    abandon();
    throw;
  }
}

void ClusterGuard::abandon() {
  // Once: a step that failed has undone everything already.
  if (abandoned_) return;
  abandoned_ = true;
  if (cordoned_) {
    say_(uncordon(config_, node_));
    cordoned_ = false;
  }
  if (etcd_) {
    for (const auto& line : rejoin_and_release(config_, node_)) say_(line);
  }
  // Released above (or etcd is away and it expires by itself): only the
  // renewals stop here.
  lease_.reset();
}

std::vector<std::string> ClusterGuard::finish_at_boot(const config::MachineConfig& c, const std::string& node) {
  std::vector<std::string> lines;
  if (c.cluster.kubernetes) lines.push_back(uncordon(c, node));
  if (!is_control_plane(c) || !has_etcd(c)) return lines;
  auto etcd_lines = rejoin_and_release(c, node);
  lines.insert(lines.end(), etcd_lines.begin(), etcd_lines.end());
  return lines;
}

}  // namespace bronze::machined
