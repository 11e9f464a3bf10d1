// The etcd client and the upgrade safety logic against real etcd members
// started here on 127.0.0.1: membership, keys and leases, the safety
// verdict for a healthy, a degraded and a two-member cluster, the upgrade
// lease under contention, after a restart and after its holder vanished,
// unreachable endpoints, and a member removed and added back; every case
// against a plain cluster and against one that speaks only TLS with client
// certificates. Then what TLS must refuse: a client certificate from
// another CA, a serving certificate we do not trust, endpoints whose scheme
// does not match the credentials.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <thread>

#include "base/error.h"
#include "base/sha256.h"
#include "cluster/etcd/client.h"
#include "cluster/etcd/lease_value.h"
#include "cluster/etcd/upgrade_lease.h"
#include "cluster/etcd/upgrade_safety.h"
#include "tests/support/etcd_cluster.h"

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

using test::EtcdTransport;

class EtcdTest : public ::testing::TestWithParam<EtcdTransport> {
 protected:
  static void TearDownTestSuite() {
    for (auto*& cluster : clusters_) {
      delete cluster;
      cluster = nullptr;
    }
    cluster_ = nullptr;
  }

  // One cluster per transport for all cases (gtest runs the two transports
  // of a case one after the other), started by the first case that needs it.
  void SetUp() override {
    auto*& cluster = clusters_[GetParam() == EtcdTransport::Tls ? 1 : 0];
    if (!cluster) cluster = new test::EtcdCluster(3, GetParam());
    cluster_ = cluster;
    ASSERT_EQ(cluster_->tls(), GetParam() == EtcdTransport::Tls);
    client_ = new_client();
    client_->erase(kUpgradeLeaseKey);
  }

  // A new client, as a node that restarted makes one.
  static std::unique_ptr<Client> new_client() { return cluster_->client(); }
  static Client client_of(const std::vector<std::string>& endpoints, std::chrono::milliseconds timeout = 5s) {
    return Client(endpoints, timeout, cluster_->client_tls());
  }

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

  static test::EtcdCluster* clusters_[2];
  static test::EtcdCluster* cluster_;
  std::unique_ptr<Client> client_;
};

test::EtcdCluster* EtcdTest::clusters_[2] = {nullptr, nullptr};
test::EtcdCluster* EtcdTest::cluster_ = nullptr;

TEST_P(EtcdTest, ListsTheMembers) {
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

TEST_P(EtcdTest, KeysAndLeases) {
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

// etcdctl's check (etcdutl's snapshot restore): a backend database a
// whole number of 512-byte sectors long, then its sha256.
TEST_P(EtcdTest, SnapshotIsTheDatabaseFollowedByItsSha256) {
  client_->put("/bronze/test/in-snapshot", "yes");
  std::string snapshot;
  int pieces = 0;
  client_->snapshot(
      [&](const std::string& piece) {
        snapshot += piece;
        ++pieces;
        return true;
      },
      60s);
  ASSERT_GT(snapshot.size(), 32u);
  EXPECT_EQ(snapshot.size() % 512, 32u) << snapshot.size();
  std::string database = snapshot.substr(0, snapshot.size() - 32);
  std::string trailer = snapshot.substr(snapshot.size() - 32);
  EXPECT_EQ(sha256_hex(database), to_hex(reinterpret_cast<const uint8_t*>(trailer.data()), trailer.size()));
  EXPECT_NE(database.find("/bronze/test/in-snapshot"), std::string::npos);
  EXPECT_GT(pieces, 1);

  // A sink that stops cancels the stream.
  EXPECT_THROW(client_->snapshot([](const std::string&) { return false; }, 60s), Error);
}

TEST_P(EtcdTest, AHealthyThreeMemberClusterIsSafe) {
  SafetyVerdict verdict = check_upgrade_safety(*client_, cluster_->name(1));
  EXPECT_TRUE(verdict.safe) << joined(verdict.problems);
  EXPECT_TRUE(verdict.problems.empty());
}

TEST_P(EtcdTest, AStoppedMemberMakesItUnsafeAndIsNamed) {
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

TEST_P(EtcdTest, ATwoMemberClusterIsNotSafe) {
  test::EtcdCluster pair(2, GetParam());
  Client client(pair.client_urls(), 5s, pair.client_tls());
  SafetyVerdict verdict = check_upgrade_safety(client, pair.name(0));
  EXPECT_FALSE(verdict.safe);
  EXPECT_TRUE(mentions(verdict.problems, "exactly two members")) << joined(verdict.problems);
}

TEST_P(EtcdTest, ConcurrentAcquiresHaveExactlyOneHolder) {
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

TEST_P(EtcdTest, AHolderRecognizesItsHoldAfterARestartAndReleaseFreesIt) {
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

TEST_P(EtcdTest, AVanishedHolderBlocksOthersUntilItsTtlExpires) {
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

TEST_P(EtcdTest, RenewalsMoveToAnotherMemberWhenTheirsStops) {
  // The renewal stream goes to the first endpoint; that member then stops
  // for longer than the TTL.
  Client client = client_of({cluster_->client_url(1), cluster_->client_url(0), cluster_->client_url(2)});
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

TEST_P(EtcdTest, UnreachableEndpointsAreNamedInTheError) {
  // Free ports: nothing listens there.
  std::vector<std::string> dead;
  std::string scheme = cluster_->tls() ? "https://" : "http://";
  for (uint16_t port : test::free_loopback_ports(2)) dead.push_back(scheme + "127.0.0.1:" + std::to_string(port));
  Client client = client_of(dead, 2s);
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

TEST_P(EtcdTest, AMemberRemovedAndAddedBackRestoresTheCount) {
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

INSTANTIATE_TEST_SUITE_P(Transports, EtcdTest, ::testing::Values(EtcdTransport::Plain, EtcdTransport::Tls),
                         [](const auto& instance) { return std::string(test::to_string(instance.param)); });

// What a TLS-only etcd must refuse, and what the client must refuse before
// it dials.
class EtcdTlsRefusalTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cluster_ = new test::EtcdCluster(3, EtcdTransport::Tls); }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }
  static TlsCredentials issued_by(const config::CertificateAuthority& ca, const std::string& ca_pem) {
    auto client = config::issue_plain_client_certificate(ca, "intruder", {}, config::valid_for(std::chrono::hours(1)));
    return {ca_pem, client.certificate.to_pem(), client.key.to_pem()};
  }
  static test::EtcdCluster* cluster_;
};

test::EtcdCluster* EtcdTlsRefusalTest::cluster_ = nullptr;

TEST_F(EtcdTlsRefusalTest, AClientCertificateFromAnotherCaIsRefusedAndTheErrorSaysTls) {
  auto other = config::make_ca("not etcd's", config::valid_for(std::chrono::hours(1)));
  // It trusts etcd's serving certificates, but etcd does not trust it.
  Client client(cluster_->client_urls(), 2s, issued_by(other, cluster_->ca().certificate.to_pem()));
  try {
    client.members();
    FAIL() << "etcd answered a client whose certificate it does not trust";
  } catch (const Error& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("etcd TLS"), std::string::npos) << message;
    EXPECT_NE(message.find("cluster.etcd.tls.crt"), std::string::npos) << message;
    EXPECT_NE(message.find(cluster_->client_url(0)), std::string::npos) << message;
  }
  EXPECT_THROW(client.put("/bronze/test/intruder", "x"), Error);
  SafetyVerdict verdict = check_upgrade_safety(client, cluster_->name(0));
  EXPECT_FALSE(verdict.safe);
  EXPECT_TRUE(mentions(verdict.problems, "etcd TLS")) << joined(verdict.problems);
  // Nothing got in.
  EXPECT_EQ(cluster_->client()->get("/bronze/test/intruder"), std::nullopt);
}

TEST_F(EtcdTlsRefusalTest, AServingCertificateFromAnotherCaIsNotTrusted) {
  auto other = config::make_ca("not etcd's", config::valid_for(std::chrono::hours(1)));
  // A client certificate etcd accepts, but the wrong CA for etcd's own.
  TlsCredentials credentials = *cluster_->client_tls();
  credentials.ca_pem = other.certificate.to_pem();
  Client client(cluster_->client_urls(), 2s, credentials);
  try {
    client.members();
    FAIL() << "a serving certificate from an untrusted CA was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("etcd TLS"), std::string::npos) << error.what();
  }
}

// Calls in flight over TLS while every member stops: they fail, as calls
// to a cluster that is gone do, and the process carries on. (gRPC 1.51's
// retry filter aborted the process here; the client's channels run
// without it.)
TEST_F(EtcdTlsRefusalTest, CallsInFlightWhenTheMembersStopFailWithoutTakingTheProcessDown) {
  test::EtcdCluster doomed(1, EtcdTransport::Tls);
  // A few rounds: whether a call is in flight at the moment is a race.
  for (int round = 0; round < 4; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    if (round > 0) doomed.start_member(0);
    std::atomic<bool> stop{false};
    std::atomic<int> answered{0}, failed{0};
    std::vector<std::thread> readers;
    for (int i = 0; i < 4; ++i) {
      readers.emplace_back([&] {
        auto client = doomed.client(2s);
        while (!stop) {
          try {
            client->get("/bronze/test/in-flight");
            ++answered;
          } catch (const Error&) {
            ++failed;
          }
        }
      });
    }
    std::this_thread::sleep_for(300ms);
    doomed.stop_member(0);
    std::this_thread::sleep_for(500ms);
    stop = true;
    for (auto& reader : readers) reader.join();
    EXPECT_GT(answered.load(), 0);
    EXPECT_GT(failed.load(), 0);
  }
}

TEST_F(EtcdTlsRefusalTest, SchemesMustMatchTheCredentials) {
  try {
    Client plain(cluster_->client_urls());
    FAIL() << "https endpoints without TLS credentials were taken";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("cluster.etcd.tls"), std::string::npos) << error.what();
  }
  EXPECT_THROW(Client({"http://127.0.0.1:2379"}, 2s, cluster_->client_tls()), Error);
  EXPECT_THROW(Client({cluster_->client_url(0), "http://127.0.0.1:2379"}, 2s, cluster_->client_tls()), Error);
  // And the TLS client works.
  EXPECT_EQ(cluster_->client()->members().size(), 3u);
}

}  // namespace
}  // namespace bronze::etcd
