// The etcd client and the upgrade safety logic against real etcd members
// started here on 127.0.0.1: membership, keys and leases, the safety
// verdict for a healthy, a degraded and a two-member cluster, the upgrade
// lease under contention, after a restart and after its holder vanished,
// unreachable endpoints, and a member removed and added back.

#include <gtest/gtest.h>

#include <algorithm>
#include <latch>
#include <thread>

#include "base/error.h"
#include "cluster/etcd/client.h"
#include "cluster/etcd/lease_value.h"
#include "cluster/etcd/test_etcd_cluster.h"
#include "cluster/etcd/upgrade_lease.h"
#include "cluster/etcd/upgrade_safety.h"

namespace bronze::etcd {
namespace {

using namespace std::chrono_literals;

constexpr auto kShortTtl = 3s;

bool mentions(const std::vector<std::string>& problems, const std::string& word) {
  for (const std::string& problem : problems) {
    if (problem.find(word) != std::string::npos) return true;
  }
  return false;
}

std::string joined(const std::vector<std::string>& problems) {
  std::string text;
  for (const std::string& problem : problems) text += "\n  " + problem;
  return text;
}

class EtcdTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cluster_ = new test::EtcdCluster(3); }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(cluster_, nullptr);
    client_ = std::make_unique<Client>(cluster_->client_urls());
    client_->erase(kUpgradeLeaseKey);
  }

  // A new client, as a node that restarted makes one.
  static std::unique_ptr<Client> new_client() { return std::make_unique<Client>(cluster_->client_urls()); }

  // Polls the verdict (bounded): right after a member restarts, its peers
  // may need a heartbeat or two to agree on the leader again.
  SafetyVerdict verdict_once_settled(const std::string& member, bool want_safe) {
    SafetyVerdict verdict;
    for (int attempt = 0; attempt < 100; ++attempt) {
      verdict = check_upgrade_safety(*client_, member);
      if (verdict.safe == want_safe) break;
      std::this_thread::sleep_for(100ms);
    }
    return verdict;
  }

  static test::EtcdCluster* cluster_;
  std::unique_ptr<Client> client_;
};

test::EtcdCluster* EtcdTest::cluster_ = nullptr;

TEST_F(EtcdTest, ListsTheMembers) {
  std::vector<Member> members = client_->members();
  ASSERT_EQ(members.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    auto found = std::find_if(members.begin(), members.end(),
                              [&](const Member& member) { return member.name == cluster_->name(i); });
    ASSERT_NE(found, members.end()) << cluster_->name(i);
    EXPECT_TRUE(found->started());
    EXPECT_NE(found->id, 0u);
    EXPECT_EQ(found->peer_urls, std::vector<std::string>{cluster_->peer_url(i)});
    EXPECT_EQ(found->client_urls, std::vector<std::string>{cluster_->client_url(i)});
    MemberStatus status = client_->status(cluster_->client_url(i));
    EXPECT_EQ(status.member_id, found->id);
    EXPECT_NE(status.leader, 0u);
    EXPECT_GT(status.raft_term, 0u);
    EXPECT_EQ(status.version, "3.4.23");
    EXPECT_TRUE(status.errors.empty());
  }
}

TEST_F(EtcdTest, KeysAndLeases) {
  const std::string key = "/bronze/test/key";
  client_->erase(key);
  EXPECT_EQ(client_->get(key), std::nullopt);
  client_->put(key, "one");
  EXPECT_EQ(client_->get(key), "one");
  EXPECT_EQ(client_->put_if_absent(key, "two", 0)->value, "one");
  EXPECT_TRUE(client_->erase(key));
  EXPECT_FALSE(client_->erase(key));

  int64_t lease = client_->grant_lease(10s);
  EXPECT_GT(client_->lease_ttl_left(lease), 0);
  EXPECT_TRUE(client_->keep_alive_once(lease));
  EXPECT_EQ(client_->put_if_absent(key, "bound", lease), std::nullopt);
  std::optional<KeyValue> entry = client_->get_entry(key);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->value, "bound");
  EXPECT_EQ(entry->lease, lease);
  EXPECT_GT(entry->create_revision, 0);

  EXPECT_TRUE(client_->revoke_lease(lease));
  EXPECT_EQ(client_->get(key), std::nullopt) << "revoking deletes the keys bound to the lease";
  EXPECT_EQ(client_->lease_ttl_left(lease), -1);
  EXPECT_FALSE(client_->keep_alive_once(lease));
  EXPECT_FALSE(client_->revoke_lease(lease));
}

TEST_F(EtcdTest, AHealthyThreeMemberClusterIsSafe) {
  SafetyVerdict verdict = check_upgrade_safety(*client_, cluster_->name(1));
  EXPECT_TRUE(verdict.safe) << joined(verdict.problems);
  EXPECT_TRUE(verdict.problems.empty());
}

TEST_F(EtcdTest, AStoppedMemberMakesItUnsafeAndIsNamed) {
  cluster_->stop_member(2);
  SafetyVerdict verdict = check_upgrade_safety(*client_, cluster_->name(0));
  EXPECT_FALSE(verdict.safe);
  EXPECT_TRUE(mentions(verdict.problems, cluster_->name(2) + " does not answer")) << joined(verdict.problems);
  EXPECT_TRUE(mentions(verdict.problems, "quorum")) << joined(verdict.problems);
  // The client itself carries on with the members that answer.
  client_->put("/bronze/test/while-degraded", "yes");
  EXPECT_EQ(client_->get("/bronze/test/while-degraded"), "yes");

  cluster_->start_member(2);
  verdict = verdict_once_settled(cluster_->name(0), true);
  EXPECT_TRUE(verdict.safe) << joined(verdict.problems);
}

TEST_F(EtcdTest, ATwoMemberClusterIsNotSafe) {
  test::EtcdCluster pair(2);
  Client client(pair.client_urls());
  SafetyVerdict verdict = check_upgrade_safety(client, pair.name(0));
  EXPECT_FALSE(verdict.safe);
  EXPECT_TRUE(mentions(verdict.problems, "exactly two members")) << joined(verdict.problems);
}

TEST_F(EtcdTest, ConcurrentAcquiresHaveExactlyOneHolder) {
  constexpr int kNodes = 3;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kNodes; ++i) clients.push_back(new_client());
  std::vector<std::optional<UpgradeLease>> leases(kNodes);
  std::vector<std::string> holders(kNodes);
  std::latch start(kNodes);
  std::vector<std::thread> threads;
  for (int i = 0; i < kNodes; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      leases[i] = UpgradeLease::try_acquire(*clients[i], "cp-" + std::to_string(i), kShortTtl, &holders[i]);
    });
  }
  for (std::thread& thread : threads) thread.join();

  int winner = -1;
  for (int i = 0; i < kNodes; ++i) {
    if (!leases[i]) continue;
    EXPECT_EQ(winner, -1) << "two holders: cp-" << winner << " and cp-" << i;
    winner = i;
  }
  ASSERT_NE(winner, -1);
  const std::string winner_name = "cp-" + std::to_string(winner);
  for (int i = 0; i < kNodes; ++i) {
    if (i != winner) {
      EXPECT_EQ(holders[i], winner_name);
    }
  }
  EXPECT_EQ(parse_lease_holder(client_->get(kUpgradeLeaseKey).value_or("")),
            (LeaseHolder{winner_name, leases[winner]->lease_id()}));

  // Renewed in the background: held well past its TTL.
  std::this_thread::sleep_for(kShortTtl + 2s);
  EXPECT_TRUE(leases[winner]->held());
  EXPECT_GT(client_->lease_ttl_left(leases[winner]->lease_id()), 0);
  EXPECT_TRUE(client_->get(kUpgradeLeaseKey));

  leases[winner]->release();
  EXPECT_FALSE(leases[winner]->held());
  EXPECT_EQ(client_->get(kUpgradeLeaseKey), std::nullopt);
}

TEST_F(EtcdTest, AHolderRecognizesItsHoldAfterARestartAndReleaseFreesIt) {
  std::optional<UpgradeLease> before = UpgradeLease::try_acquire(*client_, "cp-1", 30s);
  ASSERT_TRUE(before);
  EXPECT_FALSE(before->resumed());
  const int64_t lease = before->lease_id();
  before.reset();  // the process ends: renewals stop, the hold stays

  std::unique_ptr<Client> after_restart = new_client();
  std::optional<UpgradeLease> after = UpgradeLease::try_acquire(*after_restart, "cp-1", 30s);
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->resumed());
  EXPECT_EQ(after->lease_id(), lease);

  std::string holder;
  EXPECT_FALSE(UpgradeLease::try_acquire(*client_, "cp-2", 30s, &holder));
  EXPECT_EQ(holder, "cp-1");

  after->release();
  EXPECT_EQ(client_->get(kUpgradeLeaseKey), std::nullopt);
  EXPECT_EQ(client_->lease_ttl_left(lease), -1);
  std::optional<UpgradeLease> next = UpgradeLease::try_acquire(*client_, "cp-2", 30s, &holder);
  ASSERT_TRUE(next);
  EXPECT_FALSE(next->resumed());
  next->release();
}

TEST_F(EtcdTest, AVanishedHolderBlocksOthersUntilItsTtlExpires) {
  std::unique_ptr<Client> vanishing_client = new_client();
  std::optional<UpgradeLease> vanished = UpgradeLease::try_acquire(*vanishing_client, "cp-0", kShortTtl);
  ASSERT_TRUE(vanished);
  const int64_t vanished_lease = vanished->lease_id();
  vanished->stop_renewing();
  const auto stopped_at = std::chrono::steady_clock::now();

  std::optional<UpgradeLease> taker;
  int refusals = 0;
  const auto give_up = stopped_at + 30s;
  while (!taker && std::chrono::steady_clock::now() < give_up) {
    // Read before trying: while cp-0's lease lives, the attempt must fail.
    bool vanished_alive = client_->lease_ttl_left(vanished_lease) > 0;
    std::string holder;
    taker = UpgradeLease::try_acquire(*client_, "cp-1", kShortTtl, &holder);
    if (taker) {
      EXPECT_FALSE(vanished_alive) << "taken over while cp-0's lease was alive";
    } else {
      EXPECT_EQ(holder, "cp-0");
      ++refusals;
      std::this_thread::sleep_for(200ms);
    }
  }
  ASSERT_TRUE(taker) << "not taken over within 30 s";
  auto waited = std::chrono::steady_clock::now() - stopped_at;
  EXPECT_GE(waited, kShortTtl - 1s) << "taken over before the TTL could have run out";
  EXPECT_GT(refusals, 0);
  EXPECT_EQ(client_->lease_ttl_left(vanished_lease), -1);
  EXPECT_EQ(parse_lease_holder(client_->get(kUpgradeLeaseKey).value_or(""))->node, "cp-1");

  // cp-0 comes back: its hold is gone, so it sees cp-1's.
  std::string holder;
  EXPECT_FALSE(UpgradeLease::try_acquire(*vanishing_client, "cp-0", kShortTtl, &holder));
  EXPECT_EQ(holder, "cp-1");
  taker->release();
}

TEST_F(EtcdTest, RenewalsMoveToAnotherMemberWhenTheirsStops) {
  // The renewal stream goes to the first endpoint; that member then stops
  // for longer than the TTL.
  Client client({cluster_->client_url(1), cluster_->client_url(0), cluster_->client_url(2)});
  std::optional<UpgradeLease> lease = UpgradeLease::try_acquire(client, "cp-1", kShortTtl);
  ASSERT_TRUE(lease);
  cluster_->stop_member(1);
  std::this_thread::sleep_for(kShortTtl + 2s);
  EXPECT_TRUE(lease->held());
  EXPECT_GT(client_->lease_ttl_left(lease->lease_id()), 0);
  EXPECT_TRUE(client_->get(kUpgradeLeaseKey));
  cluster_->start_member(1);
  lease->release();
  EXPECT_EQ(client_->get(kUpgradeLeaseKey), std::nullopt);
}

TEST_F(EtcdTest, UnreachableEndpointsAreNamedInTheError) {
  // Free ports: nothing listens there.
  std::vector<std::string> dead;
  for (uint16_t port : test::free_loopback_ports(2)) dead.push_back("http://127.0.0.1:" + std::to_string(port));
  Client client(dead, 2s);
  try {
    client.get("/bronze/test/key");
    FAIL() << "no error";
  } catch (const Error& error) {
    std::string message = error.what();
    EXPECT_NE(message.find(dead[0]), std::string::npos) << message;
    EXPECT_NE(message.find(dead[1]), std::string::npos) << message;
    EXPECT_NE(message.find("UNAVAILABLE"), std::string::npos) << message;
  }
  SafetyVerdict verdict = check_upgrade_safety(client, "cp-0");
  EXPECT_FALSE(verdict.safe);
  EXPECT_TRUE(mentions(verdict.problems, dead[0])) << joined(verdict.problems);
  EXPECT_THROW(UpgradeLease::try_acquire(client, "cp-0", kShortTtl), Error);
}

TEST_F(EtcdTest, AMemberRemovedAndAddedBackRestoresTheCount) {
  std::vector<Member> members = client_->members();
  auto removed = std::find_if(members.begin(), members.end(),
                              [&](const Member& member) { return member.name == cluster_->name(2); });
  ASSERT_NE(removed, members.end());
  // etcd refuses a removal ("unhealthy cluster") until every remaining
  // member has been connected for 5 s; an earlier test restarted one.
  for (int attempt = 0;; ++attempt) {
    try {
      client_->remove_member(removed->id);
      break;
    } catch (const Error& error) {
      if (attempt == 100 || std::string(error.what()).find("unhealthy cluster") == std::string::npos) throw;
      std::this_thread::sleep_for(200ms);
    }
  }
  // etcd ends a member that learns it was removed; reaped either way.
  cluster_->stop_member(2);
  EXPECT_EQ(client_->members().size(), 2u);

  uint64_t added = client_->add_member({cluster_->peer_url(2)});
  EXPECT_NE(added, removed->id);
  SafetyVerdict verdict = check_upgrade_safety(*client_, cluster_->name(0));
  EXPECT_FALSE(verdict.safe);
  EXPECT_TRUE(mentions(verdict.problems, "has not started")) << joined(verdict.problems);

  cluster_->join_member(2);
  members = client_->members();
  ASSERT_EQ(members.size(), 3u);
  for (const Member& member : members) EXPECT_TRUE(member.started()) << member_id_hex(member.id);
  verdict = verdict_once_settled(cluster_->name(0), true);
  EXPECT_TRUE(verdict.safe) << joined(verdict.problems);
}

}  // namespace
}  // namespace bronze::etcd
