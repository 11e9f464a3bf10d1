// Cluster-safe upgrades with a real 3-member etcd (Debian's etcd-server) on
// 127.0.0.1 and three control plane nodes, each machined run as a host
// process on its own disk image file; a reboot there is a process restart on
// the slot the disk's real grub.cfg chooses in grub-emu (see
// simulated_node.h). A linearizable read probe runs through every scenario
// and must never fail for lack of quorum.
//
// Every scenario runs twice: against an etcd that speaks only TLS with
// client certificates (client and peer links, a test CA), the nodes holding
// a client certificate in cluster.etcd.tls, and against plain http. A
// client certificate from another CA is refused by etcd, and the upgrade
// with it.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <set>
#include <thread>

#include "base/files.h"
#include "base/sha256.h"
#include "base/subprocess.h"
#include "cluster/etcd/client.h"
#include "cluster/etcd/lease_value.h"
#include "cluster/etcd/upgrade_lease.h"
#include "machine_config/machine_config.h"
#include "tests/support/bronzectl_cli.h"
#include "tests/support/etcd_cluster.h"
#include "tests/support/fake_kube_api_server.h"
#include "tests/support/image_fixture.h"
#include "tests/support/installer_cli.h"
#include "tests/support/simulated_node.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;
using etcd::test::EtcdTransport;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

int count(const std::string& text, const std::string& part) {
  int n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// Reads a key through the leader every 100 ms; counts the reads that fail.
class QuorumProbe {
 public:
  QuorumProbe(std::vector<std::string> endpoints, std::optional<etcd::TlsCredentials> tls)
      : client_(std::move(endpoints), std::chrono::seconds(2), std::move(tls)) {
    thread_ = std::thread([this] {
      while (!stop_) {
        try {
          client_.get("/bronze/test/probe");
          ++reads_;
        } catch (const std::exception& e) {
          ++failures_;
          last_error_ = e.what();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    });
  }
  ~QuorumProbe() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int reads() const { return reads_; }
  int failures() const { return failures_; }
  std::string last_error() const { return last_error_; }

 private:
  etcd::Client client_;
  std::atomic<bool> stop_{false};
  std::atomic<int> reads_{0}, failures_{0};
  std::string last_error_;
  std::thread thread_;
};

// Samples the upgrade lease key every 50 ms: the sequence of holders.
class LeaseWatch {
 public:
  explicit LeaseWatch(const etcd::test::EtcdCluster& cluster)
      : client_(cluster.client_urls(), std::chrono::seconds(2), cluster.client_tls()) {
    thread_ = std::thread([this] {
      while (!stop_) {
        try {
          auto value = client_.get(etcd::kUpgradeLeaseKey);
          auto holder = value ? etcd::parse_lease_holder(*value) : std::nullopt;
          std::string name = holder ? holder->node : "";
          std::lock_guard lock(mutex_);
          if (holders_.empty() || holders_.back() != name) holders_.push_back(name);
        } catch (const std::exception&) {
          // The probe counts failures; here a missed sample only.
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }
  ~LeaseWatch() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // Holders in order, without the empty stretches between them.
  std::vector<std::string> holders() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& h : holders_) {
      if (!h.empty()) out.push_back(h);
    }
    return out;
  }

 private:
  etcd::Client client_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> holders_;
  std::thread thread_;
};

class ClusterTest : public ::testing::TestWithParam<EtcdTransport> {
 public:
  static void remove_images() {
    delete v2_;
    delete v3_panic_;
    delete dir_;
    dir_ = nullptr;
  }

 protected:
  // The images are built once for both suites (ClusterTest and
  // ClusterTlsTest) and removed at the end of the run.
  static void SetUpTestSuite() {
    if (dir_) return;
    dir_ = new TempDir("bronze-cluster-test");
    fs::path d = dir_->path();
    make_key_pair(d);
    gen_config(d / "cluster", "demo");
    build_image(d / "v1", "v1", d / "key.pem");
    v2_ = new fs::path(build_installer_image(d / "v2", "v2", d / "key.pem"));
    v3_panic_ = new fs::path(build_installer_image(d / "v3", "v3-panic", d / "key.pem", {"bronze.test.panic"}));
  }
  // The etcd settings of node i's machine config: the client URLs, and
  // with TLS etcd's CA and a client certificate of its own.
  config::EtcdConfig etcd_config(int i) const {
    config::EtcdConfig etcd{etcd_->client_urls(), etcd_->name(i), std::nullopt};
    if (auto tls = etcd_->client_tls("cp-" + std::to_string(i))) {
      etcd.tls = config::EtcdTlsConfig{tls->ca_pem, tls->crt_pem, tls->key_pem};
    }
    return etcd;
  }

  // An etcd of `members` members and as many control plane nodes, each with
  // its own disk (v1 installed) and machine config naming its member;
  // `adjust` may change a node's config before it starts.
  void start_cluster(int members, const std::function<void(int, config::MachineConfig&)>& adjust = {}) {
    static int n = 0;
    work_ = dir_->path() / ("run-" + std::to_string(++n));
    fs::create_directories(work_);
    etcd_ = std::make_unique<etcd::test::EtcdCluster>(members, GetParam());
    probe_ = std::make_unique<QuorumProbe>(etcd_->client_urls(), etcd_->client_tls());
    auto base = config::load_machine_config(dir_->path() / "cluster/controlplane.yaml");
    for (int i = 0; i < members; ++i) {
      auto c = base;
      c.machine.network.hostname = "cp-" + std::to_string(i);
      c.cluster.etcd = etcd_config(i);
      if (adjust) adjust(i, c);
      fs::path config_file = work_ / ("cp-" + std::to_string(i) + ".yaml");
      write_file(config_file, config::to_yaml(c));
      HostNodeOptions o;
      o.disk = work_ / ("cp-" + std::to_string(i) + ".raw");
      copy_sparse(dir_->path() / "v1/metal-amd64.raw", o.disk);
      o.trust = dir_->path() / "key.pub";
      o.work_dir = work_ / ("cp-" + std::to_string(i));
      o.config = config_file;
      nodes_.push_back(std::make_unique<SimulatedNode>("cp-" + std::to_string(i), o));
    }
  }

  void TearDown() override {
    if (probe_) {
      probe_->stop();
      EXPECT_EQ(probe_->failures(), 0) << "a linearizable read failed: " << probe_->last_error();
      EXPECT_GT(probe_->reads(), 0);
    }
    nodes_.clear();
    control_plane_.reset();
    probe_.reset();
    etcd_.reset();
  }

  static fs::path admin() { return dir_->path() / "cluster/bronzeconfig"; }


  RunResult ctl_run(const SimulatedNode& node, std::vector<std::string> args) const {
    auto argv = ctl(admin(), node.endpoint());
    argv.insert(argv.end(), args.begin(), args.end());
    return run_bronzectl(argv);
  }

  std::string all_logs() const {
    std::string out;
    for (const auto& n : nodes_) out += "---- " + n->name() + "\n" + n->logs();
    return out;
  }

  static TempDir* dir_;
  static fs::path* v2_;
  static fs::path* v3_panic_;
  fs::path work_;
  std::unique_ptr<etcd::test::EtcdCluster> etcd_;
  std::unique_ptr<QuorumProbe> probe_;
  std::vector<std::unique_ptr<SimulatedNode>> nodes_;
  std::unique_ptr<HostNode> control_plane_;  // a workers' trustd
};

TempDir* ClusterTest::dir_ = nullptr;
fs::path* ClusterTest::v2_ = nullptr;
fs::path* ClusterTest::v3_panic_ = nullptr;

// What only a TLS etcd can refuse.
class ClusterTlsTest : public ClusterTest {};

class RemoveImages : public ::testing::Environment {
 public:
  void TearDown() override { ClusterTest::remove_images(); }
};
const auto* const kRemoveImages = ::testing::AddGlobalTestEnvironment(new RemoveImages);

TEST_P(ClusterTest, ConcurrentUpgradesTakeTurnsAndAllEndOnTheNewVersion) {
  start_cluster(3);
  LeaseWatch watch(*etcd_);
  std::vector<RunResult> results(3);
  std::vector<std::thread> clients;
  for (int i = 0; i < 3; ++i) {
    clients.emplace_back([&, i] {
      results[i] = ctl_run(*nodes_[i], {"upgrade", "--image", v2_->string(), "--preserve", "--wait"});
    });
  }
  for (auto& c : clients) c.join();
  watch.stop();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(results[i].exit_code, 0) << nodes_[i]->name() << ": " << results[i].err << "\n" << all_logs();
    EXPECT_TRUE(contains(results[i].out, "v1 -> v2 in slot B, booted and committed")) << results[i].out;
    EXPECT_TRUE(wait_for_version(admin(), nodes_[i]->endpoint(), "v2", 30));
  }
  // One holder at a time, each once: the upgrades took turns.
  auto holders = watch.holders();
  EXPECT_EQ(holders.size(), 3u) << testing::PrintToString(holders);
  std::set<std::string> distinct(holders.begin(), holders.end());
  EXPECT_EQ(distinct, (std::set<std::string>{"etcd-0", "etcd-1", "etcd-2"})) << testing::PrintToString(holders);
  auto client = etcd_->client();
  EXPECT_FALSE(client->get(etcd::kUpgradeLeaseKey).has_value()) << "the lease was not released at the end";
  auto logs = all_logs();
  EXPECT_TRUE(contains(logs, "etcd: waiting for the upgrade lease, held by")) << logs;
  EXPECT_EQ(client->members().size(), 3u);
}

TEST_P(ClusterTest, RefusedWhileAMemberIsDownNamingIt) {
  start_cluster(3);
  etcd_->stop_member(2);
  std::string before = disk_status(work_ / "cp-0.raw").dump();
  auto r = ctl_run(*nodes_[0], {"upgrade", "--image", v2_->string(), "--preserve"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "etcd is not safe to upgrade etcd-0")) << r.err;
  EXPECT_TRUE(contains(r.err, "etcd-2")) << r.err;
  EXPECT_EQ(disk_status(work_ / "cp-0.raw").dump(), before);
  auto client = etcd_->client();
  EXPECT_FALSE(client->get(etcd::kUpgradeLeaseKey).has_value());

  // force skips the check, and says so.
  auto forced = ctl_run(*nodes_[0], {"upgrade", "--image", v2_->string(), "--preserve", "--force", "--stage"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_TRUE(contains(nodes_[0]->logs(), "force is set: the health and quorum check is skipped")) << nodes_[0]->logs();
  etcd_->start_member(2);
}

TEST_P(ClusterTest, TwoMemberClusterIsRefused) {
  start_cluster(2);
  auto r = ctl_run(*nodes_[0], {"upgrade", "--image", v2_->string(), "--preserve"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "two")) << r.err;
  EXPECT_EQ(disk_status(work_ / "cp-0.raw")["slots"]["B"]["version"], "");
}

TEST_P(ClusterTest, WithoutPreserveTheNodeLeavesEtcdAndJoinsAgain) {
  start_cluster(3);
  RunResult r;
  std::atomic<bool> done{false};
  std::thread upgrade([&] {
    r = ctl_run(*nodes_[1], {"upgrade", "--image", v2_->string(), "--wait"});
    done = true;
  });
  // The member's etcd process ends when it is removed; once machined has
  // added it back after the reboot, start it again the way a node would.
  // (From this thread: the test cluster's members live as long as the
  // thread that started them.)
  auto client = etcd_->client(std::chrono::seconds(2));
  bool rejoined = false;
  size_t fewest = 3;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
  while (!(done && rejoined) && std::chrono::steady_clock::now() < deadline) {
    try {
      auto members = client->members();
      fewest = std::min(fewest, members.size());
      for (const auto& m : members) {
        if (!m.started() && !rejoined && m.peer_urls == std::vector<std::string>{etcd_->peer_url(1)}) {
          etcd_->stop_member(1);
          etcd_->join_member(1);
          rejoined = true;
        }
      }
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  upgrade.join();
  EXPECT_EQ(r.exit_code, 0) << r.err << "\n" << all_logs();
  EXPECT_TRUE(rejoined) << all_logs();
  EXPECT_EQ(fewest, 2u) << "the member never left";
  auto logs = nodes_[1]->logs();
  EXPECT_TRUE(contains(logs, "etcd: etcd-1 left the cluster (preserve is off)")) << logs;
  EXPECT_TRUE(contains(logs, "etcd: etcd-1 joined the cluster again")) << logs;
  EXPECT_TRUE(contains(logs, "EPHEMERAL wiped")) << logs;
  auto members = client->members();
  EXPECT_EQ(members.size(), 3u);
  for (const auto& m : members) EXPECT_TRUE(m.started()) << etcd::member_id_hex(m.id);
}

TEST_P(ClusterTest, AFailedUpgradeReleasesTheLeaseAfterTheRollback) {
  start_cluster(3);
  auto r = ctl_run(*nodes_[0], {"upgrade", "--image", v3_panic_->string(), "--preserve", "--wait", "--wait-timeout", "120"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "the upgrade to v3-panic failed to boot; the node is back on v1")) << r.err << all_logs();
  auto logs = nodes_[0]->logs();
  EXPECT_TRUE(contains(logs, "upgrade to v3-panic failed; rolled back to v1")) << logs;
  EXPECT_TRUE(contains(logs, "etcd: upgrade lease released by etcd-0")) << logs;
  EXPECT_EQ(nodes_[0]->boot_slots(), (std::vector<std::string>{"A", "B!", "A"}));
  auto client = etcd_->client();
  EXPECT_FALSE(client->get(etcd::kUpgradeLeaseKey).has_value());
}

TEST_P(ClusterTest, ALeaseLeftByAVanishedNodeIsTakenOverOnlyAfterItsTtl) {
  start_cluster(3);
  auto client = etcd_->client();
  auto ghost = etcd::UpgradeLease::try_acquire(*client, "ghost", std::chrono::seconds(6));
  ASSERT_TRUE(ghost.has_value());
  ghost->stop_renewing();
  auto started = std::chrono::steady_clock::now();
  auto r = ctl_run(*nodes_[0], {"upgrade", "--image", v2_->string(), "--preserve", "--stage"});
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(nodes_[0]->logs(), "etcd: waiting for the upgrade lease, held by ghost")) << nodes_[0]->logs();
  EXPECT_GE(waited, std::chrono::seconds(3));
}

TEST_P(ClusterTest, RollingUpgradeGoesOneControlPlaneNodeAtATime) {
  start_cluster(3);
  LeaseWatch watch(*etcd_);
  std::string nodes = nodes_[0]->endpoint() + "," + nodes_[1]->endpoint() + "," + nodes_[2]->endpoint();
  auto r = run_bronzectl({"--bronzeconfig", admin().string(), "-n", nodes, "upgrade", "--image", v2_->string(), "--preserve"});
  watch.stop();
  EXPECT_EQ(r.exit_code, 0) << r.err << all_logs();
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3) << r.out;
  EXPECT_EQ(watch.holders(), (std::vector<std::string>{"etcd-0", "etcd-1", "etcd-2"}));
  EXPECT_FALSE(contains(all_logs(), "waiting for the upgrade lease")) << "a rolling upgrade never contends";
}

// A worker with a Kubernetes API in its config: cordoned and drained before
// the write, uncordoned after the commit. The API server is a test server
// that follows the documented endpoints (Debian ships none).
TEST_P(ClusterTest, AWorkerIsDrainedBeforeTheWriteAndUncordonedAfterTheCommit) {
  work_ = dir_->path() / "worker";
  fs::create_directories(work_);
  kube::test::FakeApiServer api;
  api.add_node("w-1");
  api.add_pod(kube::test::running_pod("default", "web-1", "w-1"));
  api.add_pod(kube::test::running_pod("default", "db-0", "w-1"));
  api.protect_with_budget("default/db-0", 2);
  api.require_token("secret-token");
  write_file(work_ / "token", "secret-token\n");
  // The worker gets its serving certificate from a control plane's trustd,
  // at its first boot and again after the upgrade's reboot.
  HostNodeOptions cp;
  cp.disk = work_ / "cp.raw";
  copy_sparse(dir_->path() / "v1/metal-amd64.raw", cp.disk);
  cp.trust = dir_->path() / "key.pub";
  cp.work_dir = work_ / "cp";
  cp.config = dir_->path() / "cluster/controlplane.yaml";
  control_plane_ = std::make_unique<HostNode>(cp);
  auto c = config::load_machine_config(dir_->path() / "cluster/worker.yaml");
  c.machine.network.hostname = "w-1";
  c.cluster.kubernetes = config::KubernetesConfig{api.url(), (work_ / "token").string()};
  write_file(work_ / "w-1.yaml", config::to_yaml(c));
  HostNodeOptions o;
  o.disk = work_ / "w-1.raw";
  copy_sparse(dir_->path() / "v1/metal-amd64.raw", o.disk);
  o.trust = dir_->path() / "key.pub";
  o.work_dir = work_ / "w-1";
  o.config = work_ / "w-1.yaml";
  o.trustd_endpoint = control_plane_->trustd_endpoint();
  nodes_.push_back(std::make_unique<SimulatedNode>("w-1", o));

  auto r = ctl_run(*nodes_[0], {"upgrade", "--image", v2_->string(), "--preserve", "--wait"});
  EXPECT_EQ(r.exit_code, 0) << r.err << all_logs();
  EXPECT_EQ(count(nodes_[0]->logs(), "trustd: serving certificate from"), 2) << nodes_[0]->logs();
  EXPECT_EQ(api.evicted(), (std::vector<std::string>{"default/web-1", "default/db-0"}));
  auto logs = all_logs();
  EXPECT_TRUE(contains(logs, "kubernetes: cordoned w-1")) << logs;
  EXPECT_TRUE(contains(logs, "kubernetes: drained w-1")) << logs;
  EXPECT_TRUE(contains(logs, "kubernetes: uncordoned w-1")) << logs;
  // The slot is written (the long part) while the node still serves; the
  // drain comes after, and the trial only once it is drained.
  EXPECT_LT(logs.find("running the new version's installer"), logs.find("kubernetes: cordoned w-1")) << logs;
  EXPECT_LT(logs.find("kubernetes: drained w-1"), logs.find("holds v2 on trial")) << logs;
  auto node = api.node("w-1");
  ASSERT_TRUE(node.has_value());
  EXPECT_FALSE(node->value("spec", nlohmann::json::object()).value("unschedulable", false)) << node->dump();
}

TEST_P(ClusterTest, UnreachableEtcdIsAClearRefusal) {
  start_cluster(3);
  etcd_.reset();  // every member gone
  probe_->stop();
  probe_.reset();
  auto r = ctl_run(*nodes_[0], {"upgrade", "--image", v2_->string(), "--preserve", "--stage"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "etcd is not safe to upgrade etcd-0")) << r.err;
  EXPECT_TRUE(contains(r.err, "127.0.0.1")) << r.err;
  EXPECT_EQ(disk_status(work_ / "cp-0.raw")["slots"]["B"]["version"], "");
}

// Through a control plane node, with an identity that may do nothing else
// (os:etcd:backup): the file is etcd's snapshot with its trailing sha256,
// which etcdctl reads. With etcd gone the command fails and leaves nothing.
TEST_P(ClusterTest, EtcdSnapshotThroughANodeIsCheckedAndNothingIsLeftOnFailure) {
  start_cluster(3);
  etcd_->client()->put("/bronze/test/snapshot", "in it");
  fs::path backup = work_ / "backup-config";
  auto made = run_bronzectl({"gen", "cert", "--role", "os:etcd:backup", "--machine-config",
                             (dir_->path() / "cluster/controlplane.yaml").string(), "-o", backup.string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  fs::path out = work_ / "backups";
  fs::create_directories(out);
  fs::path file = out / "etcd.db";
  auto saved = run_bronzectl({"--bronzeconfig", backup.string(), "-e", nodes_[0]->endpoint(), "etcd", "snapshot", file.string()});
  ASSERT_EQ(saved.exit_code, 0) << saved.err << all_logs();
  EXPECT_TRUE(contains(saved.out, "etcd snapshot written to " + file.string())) << saved.out;
  std::string data = read_file(file);
  EXPECT_EQ(data.size() % 512, 32u) << data.size();
  EXPECT_NE(data.find("/bronze/test/snapshot"), std::string::npos);
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  auto status = run({"etcdctl", "--write-out=json", "snapshot", "status", file.string()}, {{{"ETCDCTL_API", "3"}}, {}, {}});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_TRUE(contains(status.out, "totalKey")) << status.out;
  EXPECT_EQ(list_dir(out), std::vector<std::string>{"etcd.db"});

  probe_->stop();
  probe_.reset();
  etcd_.reset();  // every member gone
  fs::path second = out / "second.db";
  auto failed = run_bronzectl({"--bronzeconfig", backup.string(), "-e", nodes_[0]->endpoint(), "etcd", "snapshot", second.string()});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_TRUE(contains(failed.err, "etcd snapshot failed")) << failed.err;
  EXPECT_EQ(list_dir(out), std::vector<std::string>{"etcd.db"}) << "a failed snapshot left a file";
}

// etcd asks for a client certificate from its CA; node 0 holds one from
// another CA. etcd refuses it, so the upgrade is refused before anything is
// written, naming etcd TLS; the other nodes' certificates still work.
TEST_P(ClusterTlsTest, AClientCertificateFromAnotherCaIsRefusedByEtcdAndSoIsTheUpgrade) {
  auto other = config::make_ca("not etcd's CA", config::valid_for(std::chrono::hours(1)));
  start_cluster(3, [&](int i, config::MachineConfig& c) {
    if (i != 0) return;
    auto intruder = config::issue_plain_client_certificate(other, "cp-0", {}, config::valid_for(std::chrono::hours(1)));
    c.cluster.etcd->tls->crt = intruder.certificate.to_pem();
    c.cluster.etcd->tls->key = intruder.key.to_pem();
  });
  fs::path disk = work_ / "cp-0.raw";
  std::string before = sha256_file_hex(disk);
  auto r = ctl_run(*nodes_[0], {"upgrade", "--image", v2_->string(), "--preserve"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "etcd is not safe to upgrade etcd-0")) << r.err;
  EXPECT_TRUE(contains(r.err, "etcd TLS")) << r.err;
  EXPECT_TRUE(contains(r.err, "cluster.etcd.tls.crt")) << r.err;
  EXPECT_EQ(sha256_file_hex(disk), before);
  EXPECT_FALSE(etcd_->client()->get(etcd::kUpgradeLeaseKey).has_value());
  EXPECT_FALSE(contains(nodes_[0]->logs(), "running the new version's installer")) << nodes_[0]->logs();

  auto fine = ctl_run(*nodes_[1], {"upgrade", "--image", v2_->string(), "--preserve", "--stage"});
  EXPECT_EQ(fine.exit_code, 0) << fine.err << all_logs();
}

INSTANTIATE_TEST_SUITE_P(Etcd, ClusterTest, ::testing::Values(EtcdTransport::Tls, EtcdTransport::Plain),
                         [](const auto& instance) { return std::string(etcd::test::to_string(instance.param)); });
INSTANTIATE_TEST_SUITE_P(Etcd, ClusterTlsTest, ::testing::Values(EtcdTransport::Tls),
                         [](const auto& instance) { return std::string(etcd::test::to_string(instance.param)); });

}  // namespace
}  // namespace bronze::test
