// The node API against machined run as a host process on a disk image file
// (the node's code, without a VM): version, status and logs; every client
// the API must refuse; upgrades streamed and pulled from a registry (Debian's
// docker-registry on 127.0.0.1, the image pushed with skopeo); one upgrade at
// a time; bad images and configs. Every refusal leaves the disk as it was.
// Then the roles: every call made with every role (admin, operator, reader,
// etcd:backup, and a certificate naming no role) against a table written
// here; and a new machine config applied to a configured node.

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "api/machine.grpc.pb.h"
#include "base/error.h"
#include "base/files.h"
#include "chunks/chunk_index.h"
#include "base/sha256.h"
#include "client_config/client_config.h"
#include "disk/filesystems/ext4.h"
#include "disk/partitions/gpt.h"
#include "disk/slots/bronze_disk.h"
#include "installer_image/image_archive.h"
#include "machine_config/gen_config.h"
#include "machine_config/machine_config.h"
#include "tests/support/bronzectl_cli.h"
#include "tests/support/cutting_proxy.h"
#include "tests/support/docker_registry_process.h"
#include "tests/support/etcd_cluster.h"
#include "tests/support/host_node.h"
#include "tests/support/image_fixture.h"
#include "tests/support/installer_cli.h"
#include "tests/support/registry_push.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;
namespace v1 = bronze::machine::v1alpha1;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("bronze-api-test");
    fs::path d = dir_->path();
    make_key_pair(d);
    gen_config(d / "cluster", "demo");
    gen_config(d / "other", "other");
    auto argv = imager_build_argv("metal", d / "v1", "v1", d / "key.pem", {});
    argv.insert(argv.end(), {"--config", (d / "cluster/controlplane.yaml").string()});
    run_checked(argv);
    v2_ = new fs::path(build_installer_image(d / "v2", "v2", d / "key.pem"));

    // A reader, and an admin whose certificate has expired.
    auto machine = config::load_machine_config(d / "cluster/controlplane.yaml");
    auto ca = config::certificate_authority_of(machine);
    auto reader = config::issue_client_config(ca, config::kRoleReader, "reader", {}, std::chrono::hours(1));
    config::write_client_config(reader, d / "reader-config");
    auto now = std::chrono::system_clock::now();
    auto old = config::issue_client_certificate(ca, "old-admin", config::kRoleAdmin, now - std::chrono::hours(48),
                                                now - std::chrono::hours(24));
    auto expired = reader;
    auto& context = expired.contexts.begin()->second;
    context.crt = old.certificate.to_pem();
    context.key = old.key.to_pem();
    config::write_client_config(expired, d / "expired-config");

    // One identity per role, and one whose Organization names no role.
    for (std::string_view role : {config::kRoleOperator, config::kRoleEtcdBackup}) {
      auto identity = config::issue_client_config(ca, role, std::string(role), {}, std::chrono::hours(1));
      config::write_client_config(identity, d / (role_file(role)));
    }
    auto nobody = config::issue_plain_client_certificate(ca, "nobody", {"os:root"}, config::valid_for(std::chrono::hours(1)));
    auto no_role = reader;
    no_role.contexts.begin()->second.crt = nobody.certificate.to_pem();
    no_role.contexts.begin()->second.key = nobody.key.to_pem();
    config::write_client_config(no_role, d / "no-role-config");
  }
  static std::string role_file(std::string_view role) {
    std::string name(role.substr(3));
    std::replace(name.begin(), name.end(), ':', '-');
    return name + "-config";
  }
  static void TearDownTestSuite() {
    delete v2_;
    delete dir_;
  }

  void SetUp() override {
    static int n = 0;
    work_ = dir_->path() / ("node-" + std::to_string(++n));
    fs::create_directories(work_);
    disk_ = work_ / "disk.raw";
    copy_sparse(dir_->path() / "v1/metal-amd64.raw", disk_);
  }

  std::unique_ptr<HostNode> start(const std::string& slot = "A", const fs::path& config = {}) {
    HostNodeOptions o;
    o.disk = disk_;
    o.slot = slot;
    o.trust = dir_->path() / "key.pub";
    o.work_dir = work_;
    o.config = config;
    o.trustd_endpoint = trustd_endpoint_;
    return std::make_unique<HostNode>(o);
  }

  // A control plane node of the cluster on a disk of its own, whose trustd
  // the workers this test starts get their serving certificates from.
  std::unique_ptr<HostNode> start_control_plane_for_workers() {
    fs::path disk = work_ / "control-plane.raw";
    copy_sparse(dir_->path() / "v1/metal-amd64.raw", disk);
    HostNodeOptions o;
    o.disk = disk;
    o.trust = dir_->path() / "key.pub";
    o.work_dir = work_ / "control-plane";
    auto node = std::make_unique<HostNode>(o);
    trustd_endpoint_ = node->trustd_endpoint();
    return node;
  }

  // STATE's bytes, and its config.yaml.
  uint64_t state_offset() const { return disk::BronzeDisk::open(disk_).partition("STATE").start; }
  std::string state_digest() const {
    auto state = disk::BronzeDisk::open(disk_).partition("STATE");
    return sha256_hex(read_at(disk_, state.start, static_cast<size_t>(state.size)));
  }
  std::string state_config() const { return disk::read_from_ext4(disk_, state_offset(), "/config.yaml"); }
  // e2fsck -fn of STATE copied out: the filesystem is consistent.
  RunResult check_state_filesystem() const {
    auto state = disk::BronzeDisk::open(disk_).partition("STATE");
    fs::path copy = work_ / "state.img";
    write_file(copy, read_at(disk_, state.start, static_cast<size_t>(state.size)));
    return run({"e2fsck", "-fn", copy.string()});
  }

  static fs::path admin() { return dir_->path() / "cluster/bronzeconfig"; }

  RunResult ctl_run(const HostNode& node, const fs::path& config, std::vector<std::string> args) const {
    auto argv = ctl(config, node.endpoint());
    argv.insert(argv.end(), args.begin(), args.end());
    return run_bronzectl(argv);
  }

  std::string disk_digest() const { return sha256_file_hex(disk_); }

  // v2 pushed to `registry` as bronze/installer:v2: the reference, the
  // signed image, its slot image's descriptor and where the registry keeps
  // that blob (to serve other bytes from).
  struct PushedV2 {
    std::string ref;
    oci::ImageArchive archive;
    oci::Descriptor payload;
    fs::path stored;
  };
  PushedV2 push_v2(registry::test::DockerRegistryProcess& registry) const {
    std::string ref = registry.address() + "/bronze/installer:v2";
    push_installer_image(*v2_, ref, work_ / "push");
    oci::ImageArchive archive(*v2_, "amd64", signing::TrustStore::load(dir_->path() / "key.pub"));
    if (!archive.info().payload) throw Error("v2 has no slot image layer");
    oci::Descriptor payload = *archive.info().payload;
    fs::path stored = registry.blob_data(payload.digest);
    if (!fs::exists(stored)) throw Error("the registry keeps no blob " + payload.digest);
    return {ref, std::move(archive), payload, stored};
  }
  // Every partition but the one an upgrade writes (BOOT-B), byte for byte.
  std::map<std::string, std::string> all_but_slot_b() const {
    std::map<std::string, std::string> digests;
    for (const auto& p : disk::read_gpt(disk_)) {
      if (p.label != "BOOT-B") digests[p.label] = sha256_hex(read_at(disk_, p.start, static_cast<size_t>(p.size)));
    }
    return digests;
  }

  // A raw channel, for clients bronzectl would not make.
  static std::unique_ptr<v1::MachineService::Stub> raw_stub(const std::string& endpoint, const std::string& crt,
                                                             const std::string& key) {
    auto cluster = config::load_client_config(admin()).select();
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = cluster.ca;
    tls.pem_cert_chain = crt;
    tls.pem_private_key = key;
    return v1::MachineService::NewStub(grpc::CreateChannel(endpoint, grpc::SslCredentials(tls)));
  }

  static TempDir* dir_;
  static fs::path* v2_;
  fs::path work_, disk_;
  std::string trustd_endpoint_;
};

TempDir* ApiTest::dir_ = nullptr;
fs::path* ApiTest::v2_ = nullptr;

TEST_F(ApiTest, VersionStatusAndLogsOfARunningNode) {
  auto node = start();
  auto version = ctl_run(*node, admin(), {"--json", "version"});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  auto v = nlohmann::json::parse(version.out).at(0);
  EXPECT_EQ(v["version"], "v1");
  EXPECT_EQ(v["slot"], "A");
  EXPECT_EQ(v["arch"], "amd64");
  EXPECT_EQ(v["machine_type"], "controlplane");

  auto status = ctl_run(*node, admin(), {"--json", "status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  auto s = nlohmann::json::parse(status.out).at(0);
  EXPECT_EQ(s["slots"]["A"]["version"], "v1");
  EXPECT_TRUE(s["slots"]["A"]["committed"].get<bool>());
  EXPECT_EQ(s["slots"]["B"]["version"], "");
  EXPECT_EQ(s["next_boot"], "A");
  EXPECT_FALSE(s["upgrade_running"].get<bool>());

  auto logs = ctl_run(*node, admin(), {"logs"});
  ASSERT_EQ(logs.exit_code, 0) << logs.err;
  EXPECT_TRUE(contains(logs.out, "bronze v1 slot=A arch=amd64 platform=metal booted")) << logs.out;
  EXPECT_TRUE(contains(logs.out, "machined: API on 127.0.0.1:")) << logs.out;
  auto tail = ctl_run(*node, admin(), {"logs", "--tail", "1"});
  EXPECT_EQ(std::count(tail.out.begin(), tail.out.end(), '\n'), 1) << tail.out;

  // Two nodes named at once: one row each (here the same node twice).
  auto rows = run_bronzectl({"--bronzeconfig", admin().string(), "-n", node->endpoint() + "," + node->endpoint(), "version"});
  EXPECT_EQ(rows.exit_code, 0) << rows.err;
  EXPECT_EQ(std::count(rows.out.begin(), rows.out.end(), '\n'), 3) << rows.out;  // header and two rows
}

// `bronzectl verify` re-hashes the booted slot against its signed manifest
// and names every artifact; a byte changed on the disk after install (in
// the initramfs, which carries the root filesystem) is named, with the
// digests, and the exit code says so. The other slot is checked on
// request; an empty one is refused with the reason. Nothing is written.
TEST_F(ApiTest, VerifyReHashesTheSlotAndNamesEveryArtifactThatChanged) {
  auto node = start();
  auto good = ctl_run(*node, admin(), {"verify"});
  ASSERT_EQ(good.exit_code, 0) << good.err << good.out;
  EXPECT_TRUE(contains(good.out, "slot A, v1, manifest signed by a trusted key")) << good.out;
  for (const char* artifact : {"vmlinuz", "initramfs.img", "rootfs.sqfs", "slot.env"}) {
    EXPECT_TRUE(contains(good.out, std::string("  ") + artifact)) << artifact << "\n" << good.out;
  }
  EXPECT_TRUE(contains(good.out, "slot A verifies")) << good.out;

  // One byte of the initramfs flipped where it holds the root filesystem.
  auto slot_a = disk::BronzeDisk::open(disk_).slot_partition('A');
  const std::string filesystem = disk_.string() + "?offset=" + std::to_string(slot_a.start);
  uint64_t block = std::stoull(run_checked({"debugfs", "-R", "bmap /initramfs.img 4000", filesystem}).out);
  ASSERT_NE(block, 0u);
  std::string header = run_checked({"dumpe2fs", "-h", filesystem}).out;
  uint64_t block_size = std::stoull(header.substr(header.find("Block size:") + 11));
  uint64_t at = slot_a.start + block * block_size + 100;
  std::string byte = read_at(disk_, at, 1);
  byte[0] = static_cast<char>(byte[0] ^ 0x01);
  write_at(disk_, at, byte);
  const std::string before = disk_digest();

  auto bad = ctl_run(*node, admin(), {"verify"});
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  EXPECT_TRUE(contains(bad.out, "initramfs.img  MISMATCH  does not match its digest")) << bad.out;
  EXPECT_TRUE(contains(bad.out, "rootfs.sqfs    MISMATCH  does not match its digest")) << bad.out;
  EXPECT_TRUE(contains(bad.out, "vmlinuz        ok")) << bad.out;
  EXPECT_TRUE(contains(bad.out, "slot A does NOT verify")) << bad.out;
  EXPECT_TRUE(contains(node->log(), "verify: slot A does not verify: initramfs.img, rootfs.sqfs")) << node->log();
  auto json = ctl_run(*node, admin(), {"--json", "verify"});
  EXPECT_EQ(json.exit_code, 1);
  auto rows = nlohmann::json::parse(json.out);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_FALSE(rows[0]["ok"].get<bool>());
  for (const auto& a : rows[0]["artifacts"]) {
    bool changed = a["name"] == "initramfs.img" || a["name"] == "rootfs.sqfs";
    EXPECT_EQ(a["ok"].get<bool>(), !changed) << a.dump();
    if (changed) {
      EXPECT_NE(a["sha256"], a["found_sha256"]) << a.dump();
    }
  }

  // Slot B of a fresh disk holds no image: refused, with the reason.
  auto empty = ctl_run(*node, admin(), {"verify", "--slot", "B"});
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_TRUE(contains(empty.out + empty.err, "slot B does not verify: the signed manifest")) << empty.out << empty.err;
  EXPECT_EQ(disk_digest(), before) << "verify wrote to the disk";
}

TEST_F(ApiTest, LogsFollowShowsLinesAsTheyAreWritten) {
  auto node = start();
  RunResult followed;
  // `timeout` bounds the follower; it ends it after the upgrade below.
  std::thread follower([&] {
    auto argv = ctl(admin(), node->endpoint());
    argv.insert(argv.begin(), {"timeout", "15", BRONZE_BRONZECTL});
    argv.insert(argv.end(), {"logs", "-f", "--tail", "1"});
    followed = run(argv);
  });
  std::this_thread::sleep_for(std::chrono::seconds(2));
  auto staged = ctl_run(*node, admin(), {"upgrade", "--image", v2_->string(), "--stage"});
  follower.join();
  EXPECT_EQ(staged.exit_code, 0) << staged.err;
  EXPECT_EQ(followed.exit_code, 124) << "logs -f ended by itself: " << followed.err;
  EXPECT_FALSE(contains(followed.out, "bronze v1 slot=A arch=amd64 platform=metal booted")) << "--tail 1 printed more";
  EXPECT_TRUE(contains(followed.out, "upgrade: requested with a streamed image (stage only)")) << followed.out;
  EXPECT_TRUE(contains(followed.out, "upgrade: slot B holds v2 on trial")) << followed.out;
}

TEST_F(ApiTest, RefusesEveryClientWithoutAnAdminCertificateFromTheClusterCa) {
  auto node = start();
  std::string before = disk_digest();
  auto upgrade = std::vector<std::string>{"upgrade", "--image", v2_->string(), "--stage"};

  auto foreign = ctl_run(*node, dir_->path() / "other/bronzeconfig", upgrade);
  EXPECT_EQ(foreign.exit_code, 1);
  EXPECT_TRUE(contains(foreign.err, "refused the TLS handshake")) << foreign.err;

  // An expired admin certificate: bronzectl says so before it connects, and
  // the node refuses it when a client presents it anyway.
  auto expired = ctl_run(*node, dir_->path() / "expired-config", upgrade);
  EXPECT_EQ(expired.exit_code, 1);
  EXPECT_TRUE(contains(expired.err, "(old-admin) expired on")) << expired.err;
  auto expired_context = config::load_client_config(dir_->path() / "expired-config").select();
  {
    auto stub = raw_stub(node->endpoint(), expired_context.crt, expired_context.key);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::VersionResponse response;
    auto status = stub->Version(&context, v1::VersionRequest{}, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
    EXPECT_TRUE(response.version().empty());
  }

  auto reader = ctl_run(*node, dir_->path() / "reader-config", upgrade);
  EXPECT_EQ(reader.exit_code, 1);
  EXPECT_TRUE(contains(reader.err, "Upgrade needs a client certificate with role os:admin or os:operator; this one has os:reader"))
      << reader.err;
  for (const char* call : {"rollback", "reboot"}) {
    auto r = ctl_run(*node, dir_->path() / "reader-config", {call});
    EXPECT_EQ(r.exit_code, 1) << call;
    EXPECT_TRUE(contains(r.err, "needs a client certificate with role os:admin")) << call << ": " << r.err;
  }
  EXPECT_EQ(ctl_run(*node, dir_->path() / "reader-config", {"version"}).exit_code, 0);
  EXPECT_EQ(ctl_run(*node, dir_->path() / "reader-config", {"status"}).exit_code, 0);

  // No client certificate at all: the handshake itself fails.
  auto stub = raw_stub(node->endpoint(), "", "");
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::VersionResponse response;
  auto status = stub->Version(&context, v1::VersionRequest{}, &response);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_TRUE(response.version().empty());

  EXPECT_EQ(disk_digest(), before);
  EXPECT_FALSE(contains(node->log(), "upgrade: requested")) << node->log();
}

TEST_F(ApiTest, StreamedUpgradeStagesSlotBAndTheRebootedNodeCommitsIt) {
  auto node = start();
  auto staged = ctl_run(*node, admin(), {"upgrade", "--image", v2_->string(), "--stage"});
  ASSERT_EQ(staged.exit_code, 0) << staged.err << node->log();
  EXPECT_TRUE(contains(staged.out, "v1 -> v2 in slot B, staged for the next reboot")) << staged.out;
  EXPECT_TRUE(contains(staged.err, "send 39.") || contains(staged.err, "send ")) << staged.err;

  auto logs = ctl_run(*node, admin(), {"logs"});
  for (const char* step : {"upgrade: requested with a streamed image (stage only)", "upgrade: received the installer image",
                           "upgrade: verifying the installer image's signature, then every blob", "upgrade: running the new version's installer",
                           "upgrade: slot B holds v2 on trial"}) {
    EXPECT_TRUE(contains(logs.out, step)) << step << "\n" << logs.out;
  }
  auto status = disk_status(disk_);
  EXPECT_TRUE(status["slots"]["B"]["trial"].get<bool>()) << status.dump();
  EXPECT_EQ(status["next_boot"], "B");

  // Reboot: the host process ends as a node would restart.
  auto reboot = ctl_run(*node, admin(), {"reboot"});
  EXPECT_EQ(reboot.exit_code, 0) << reboot.err;
  EXPECT_EQ(node->wait_exit(30), kRebootExitCode) << node->log();

  // GRUB boots B; machined there commits it.
  auto again = start("B");
  ASSERT_TRUE(wait_for_version(admin(), again->endpoint(), "v2", 30)) << again->log();
  EXPECT_TRUE(contains(again->log(), "bronze v2 slot=B committed")) << again->log();
  auto after = disk_status(disk_);
  EXPECT_TRUE(after["slots"]["B"]["committed"].get<bool>()) << after.dump();

  // Rollback makes A the default again and reboots.
  auto rolled = ctl_run(*again, admin(), {"--json", "rollback"});
  ASSERT_EQ(rolled.exit_code, 0) << rolled.err;
  auto r = nlohmann::json::parse(rolled.out).at(0);
  EXPECT_EQ(r["slot"], "A");
  EXPECT_EQ(r["version"], "v1");
  EXPECT_EQ(again->wait_exit(30), kRebootExitCode) << again->log();
  EXPECT_EQ(disk_status(disk_)["next_boot"], "A");
}

TEST_F(ApiTest, UpgradeNotStagedRebootsByItself) {
  auto node = start();
  auto upgraded = ctl_run(*node, admin(), {"upgrade", "--image", v2_->string()});
  ASSERT_EQ(upgraded.exit_code, 0) << upgraded.err;
  EXPECT_TRUE(contains(upgraded.out, "v1 -> v2 in slot B, rebooting")) << upgraded.out;
  EXPECT_EQ(node->wait_exit(30), kRebootExitCode) << node->log();
  EXPECT_TRUE(contains(node->log(), "machined: rebooting (upgrade to v2)")) << node->log();
}

TEST_F(ApiTest, UpgradePulledFromARegistryByTagAndDigest) {
  registry::test::DockerRegistryProcess registry(work_ / "registry");
  std::string ref = registry.address() + "/bronze/installer:v2";
  std::string digest = push_installer_image(*v2_, ref, work_ / "push");

  auto node = start();
  std::string before = disk_digest();
  // Unknown tag, and a registry nobody runs: clear errors, nothing written.
  auto unknown = ctl_run(*node, admin(), {"upgrade", "--image", registry.address() + "/bronze/installer:v9", "--insecure", "--stage"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_TRUE(contains(unknown.err, "v9")) << unknown.err;
  auto down = ctl_run(*node, admin(), {"upgrade", "--image", "127.0.0.1:1/bronze/installer:v2", "--insecure", "--stage"});
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_TRUE(contains(down.err, "cannot reach registry 127.0.0.1:1")) << down.err;
  EXPECT_EQ(disk_digest(), before);

  auto by_tag = ctl_run(*node, admin(), {"upgrade", "--image", ref, "--insecure", "--stage"});
  ASSERT_EQ(by_tag.exit_code, 0) << by_tag.err << node->log();
  EXPECT_TRUE(contains(by_tag.out, "v1 -> v2 in slot B")) << by_tag.out;
  EXPECT_TRUE(contains(node->log(), "upgrade: pulled " + ref)) << node->log();

  std::string by_digest_ref = registry.address() + "/bronze/installer@" + digest;
  auto by_digest = ctl_run(*node, admin(), {"upgrade", "--image", by_digest_ref, "--insecure", "--stage"});
  ASSERT_EQ(by_digest.exit_code, 0) << by_digest.err << node->log();
  EXPECT_TRUE(disk_status(disk_)["slots"]["B"]["trial"].get<bool>());
}

// A pulled image's slot image streams from the registry into the slot
// (nothing of it kept on the node); --full: the whole of it, no delta. A
// registry that serves other bytes, or fewer, costs the inactive slot only:
// the active slot, META and the boot state stay byte for byte, EPHEMERAL is
// not wiped, and the next good upgrade succeeds. Connections broken at
// random points resume where they stopped.
TEST_F(ApiTest, StreamedUpgradeRefusesBadSlotImagesAndResumesBrokenTransfers) {
  registry::test::DockerRegistryProcess registry(work_ / "registry");
  auto [ref, archive, payload, stored] = push_v2(registry);
  const std::string good = read_file(stored);

  auto node = start();
  // Everything but the slot that is written: byte for byte.
  auto untouched = [&] { return all_but_slot_b(); };
  const auto before = untouched();
  struct Case {
    std::string name, bytes, refusal;
  };
  std::string flipped = good;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x01);
  std::vector<Case> cases = {
      {"flipped byte", flipped, "not to the signed " + payload.digest},
      {"truncated", good.substr(0, good.size() / 3), "layer " + payload.digest},
  };
  for (const auto& c : cases) {
    write_file(stored, c.bytes);
    auto r = ctl_run(*node, admin(), {"upgrade", "--image", ref, "--insecure", "--stage", "--full"});
    EXPECT_EQ(r.exit_code, 1) << c.name;
    EXPECT_TRUE(contains(r.err, c.refusal)) << c.name << ": " << r.err;
    EXPECT_EQ(untouched(), before) << c.name << ": more than the inactive slot changed";
    EXPECT_FALSE(disk_status(disk_)["slots"]["B"]["trial"].get<bool>()) << c.name;
  }
  EXPECT_FALSE(contains(node->log(), "EPHEMERAL wiped")) << node->log();

  // The good bytes again, through a network that breaks the connection three
  // times at random points past the first 64 KiB (into the blobs).
  write_file(stored, good);
  std::random_device seed_source;
  unsigned seed = seed_source();
  std::mt19937_64 random(seed);
  std::vector<uint64_t> cuts;
  for (int i = 0; i < 3; ++i) cuts.push_back(65536 + random() % (good.size() / 2));
  std::sort(cuts.begin(), cuts.end());
  bronze::test::CuttingProxy proxy(static_cast<uint16_t>(std::stoi(registry.address().substr(10))), cuts);
  std::string via_proxy = proxy.address() + "/bronze/installer:v2";
  auto r = ctl_run(*node, admin(), {"upgrade", "--image", via_proxy, "--insecure", "--stage", "--full"});
  ASSERT_EQ(r.exit_code, 0) << "seed " << seed << ": " << r.err << node->log();
  EXPECT_EQ(proxy.cuts_done(), 3) << "seed " << seed;
  size_t resumed = 0;
  for (size_t at = 0; (at = node->log().find("resuming from there", at)) != std::string::npos; ++at) ++resumed;
  EXPECT_EQ(resumed, 3u) << "seed " << seed << "\n" << node->log();
  EXPECT_TRUE(contains(node->log(), "the slot image streams from http://" + proxy.address())) << node->log();
  auto status = disk_status(disk_);
  EXPECT_TRUE(status["slots"]["B"]["trial"].get<bool>()) << status.dump();
  EXPECT_EQ(status["slots"]["B"]["version"], "v2");
}

// A delta upgrade, the default when the image publishes a chunk index: the
// node cuts its active slot into chunks, takes from it every chunk the new
// slot image shares with it, and fetches only the others by range. The slot
// it writes is the signed image byte for byte. Bytes in a fetched chunk that
// do not match the signed index, and a blob cut short inside one, are
// refused with everything but the inactive slot byte for byte; --full
// fetches the whole image.
TEST_F(ApiTest, DeltaUpgradeFetchesOnlyTheChunksTheActiveSlotLacks) {
  registry::test::DockerRegistryProcess registry(work_ / "registry");
  auto [ref, archive, payload, stored] = push_v2(registry);
  auto index_bytes = archive.read_chunk_index();
  ASSERT_TRUE(index_bytes.has_value()) << "imager installer published no chunk index";
  chunks::ChunkIndex index = chunks::parse_chunk_index(*index_bytes);
  EXPECT_EQ(index.total_size, payload.size);
  const std::string good = read_file(stored);

  // What the node's seed, slot A (v1), lacks of v2's slot image.
  auto slot_a = disk::BronzeDisk::open(disk_).slot_partition('A');
  int fd = ::open(disk_.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  chunks::ChunkIndex seed = chunks::index_file(fd, slot_a.start, disk::ext4_filesystem_bytes(disk_, slot_a.start), "A");
  ::close(fd);
  std::set<chunks::ChunkDigest> in_seed;
  for (const auto& c : seed.chunks) in_seed.insert(c.digest);
  // Whole chunks of zeros the seed lacks are written, not fetched.
  const std::string zeros(index.params.max_size, '\0');
  const chunks::ChunkDigest zeros_digest = sha256_digest(zeros);
  std::vector<chunks::Chunk> missing;
  uint64_t missing_bytes = 0, zero_bytes = 0, zero_chunks = 0;
  for (const auto& c : index.chunks) {
    if (in_seed.count(c.digest)) continue;
    if (c.digest == zeros_digest) {
      zero_bytes += c.length;
      ++zero_chunks;
      continue;
    }
    missing.push_back(c);
    missing_bytes += c.length;
  }
  ASSERT_FALSE(missing.empty());
  // v1 and v2 differ in their version alone.
  EXPECT_LT(missing_bytes, payload.size / 10) << missing_bytes << " of " << payload.size;

  auto node = start();
  const auto before = all_but_slot_b();
  struct Case {
    std::string name, bytes, refusal;
  };
  const chunks::Chunk& target = missing.back();
  std::string flipped = good;
  flipped[target.offset + target.length / 2] = static_cast<char>(flipped[target.offset + target.length / 2] ^ 0x01);
  std::vector<Case> cases = {
      {"flipped byte in a chunk the seed lacks", flipped, "does not match its signed chunk index at chunk"},
      {"cut short inside a chunk the seed lacks", good.substr(0, target.offset + 1), "slot image " + payload.digest},
  };
  for (const auto& c : cases) {
    write_file(stored, c.bytes);
    auto r = ctl_run(*node, admin(), {"upgrade", "--image", ref, "--insecure", "--stage"});
    EXPECT_EQ(r.exit_code, 1) << c.name;
    EXPECT_TRUE(contains(r.err, c.refusal)) << c.name << ": " << r.err;
    EXPECT_EQ(all_but_slot_b(), before) << c.name << ": more than the inactive slot changed";
    EXPECT_FALSE(disk_status(disk_)["slots"]["B"]["trial"].get<bool>()) << c.name;
  }

  write_file(stored, good);
  auto r = ctl_run(*node, admin(), {"upgrade", "--image", ref, "--insecure", "--stage"});
  ASSERT_EQ(r.exit_code, 0) << r.err << node->log();
  std::string expected = std::to_string(payload.size - missing_bytes - zero_bytes) + " bytes (" +
                         std::to_string(index.chunks.size() - missing.size() - zero_chunks) +
                         " chunks) from the active slot (BOOT-A), " + std::to_string(missing_bytes) + " bytes (" +
                         std::to_string(missing.size()) + " chunks) from the registry";
  EXPECT_TRUE(contains(node->log(), "delta upgrade: " + expected)) << expected << "\n" << node->log();
  std::printf("%s\n", node->log().substr(node->log().find("delta upgrade: "), 200).c_str());
  // The slot holds the signed image, but for its head, where the installer
  // sets the filesystem label (BOOT-B) last.
  auto slot_b = disk::BronzeDisk::open(disk_).slot_partition('B');
  constexpr size_t kHead = 64 << 10;
  EXPECT_EQ(sha256_hex(read_at(disk_, slot_b.start + kHead, static_cast<size_t>(payload.size) - kHead)),
            sha256_hex(std::string_view(good).substr(kHead)));
  auto status = disk_status(disk_);
  EXPECT_TRUE(status["slots"]["B"]["trial"].get<bool>()) << status.dump();
  EXPECT_EQ(status["slots"]["B"]["version"], "v2");
  EXPECT_EQ(all_but_slot_b().at("BOOT-A"), before.at("BOOT-A")) << "the seed was written";

  auto full = ctl_run(*node, admin(), {"upgrade", "--image", ref, "--insecure", "--stage", "--full"});
  ASSERT_EQ(full.exit_code, 0) << full.err << node->log();
  EXPECT_TRUE(contains(node->log(), "fetching the whole slot image (--full)")) << node->log();
}

TEST_F(ApiTest, UpgradePulledThroughTheMirrorLoginAndCAOfTheMachineConfig) {
  // The company's mirror: HTTPS with a certificate of its own CA, a login
  // for every request. The reference names a registry the node never
  // reaches (skipFallback): the config sends it to the mirror.
  auto ca = config::make_ca("mirror CA", config::valid_for(std::chrono::hours(1)));
  auto serving = config::issue_server_certificate(ca, "127.0.0.1", {"127.0.0.1"}, config::valid_for(std::chrono::hours(1)));
  fs::create_directories(work_ / "mirror");
  registry::test::DockerRegistryProcess mirror(
      work_ / "mirror", registry::test::DockerRegistryOptions{"puller", "mirror pass", serving.certificate.to_pem(),
                                                              serving.key.to_pem()});
  push_installer_image(*v2_, mirror.address() + "/bronze/installer:v2", work_ / "push", true, "puller:mirror pass");

  auto with_registries = [&](const std::string& password) {
    auto machine = config::load_machine_config(dir_->path() / "cluster/controlplane.yaml");
    machine.machine.registries.mirrors["registry.bronze.example"] = {{"https://" + mirror.address()}, true};
    machine.machine.registries.config[mirror.address()] = {config::RegistryAuth{"puller", password}, ca.certificate.to_pem()};
    fs::path file = work_ / ("registries-" + password.substr(0, password.find(' ')) + ".yaml");
    write_file(file, config::to_yaml(machine));
    return file;
  };

  // A wrong password: refused, named, nothing written.
  auto node = start("A", with_registries("wrong pass"));
  std::string before = disk_digest();
  auto refused = ctl_run(*node, admin(), {"upgrade", "--image", "registry.bronze.example/bronze/installer:v2", "--stage"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(contains(refused.err, "the login of user puller (machine.registries.config.\"" + mirror.address() +
                                        "\".auth) was refused")) << refused.err;
  EXPECT_EQ(disk_digest(), before);
  node.reset();

  node = start("A", with_registries("mirror pass"));
  auto pulled = ctl_run(*node, admin(), {"upgrade", "--image", "registry.bronze.example/bronze/installer:v2", "--stage"});
  ASSERT_EQ(pulled.exit_code, 0) << pulled.err << node->log();
  EXPECT_TRUE(contains(pulled.out, "v1 -> v2 in slot B")) << pulled.out;
  EXPECT_TRUE(contains(node->log(), "upgrade: fetching registry.bronze.example/bronze/installer:v2 from mirror https://" +
                                        mirror.address() + " as puller")) << node->log();
  EXPECT_TRUE(contains(node->log(), "upgrade: pulled registry.bronze.example/bronze/installer:v2 from https://" +
                                        mirror.address())) << node->log();
  EXPECT_FALSE(contains(node->log(), "mirror pass")) << "the password is never logged";
  EXPECT_TRUE(disk_status(disk_)["slots"]["B"]["trial"].get<bool>());
}

TEST_F(ApiTest, OneUpgradeAtATime) {
  auto node = start();
  auto admin_context = config::load_client_config(admin()).select();
  auto stub = raw_stub(node->endpoint(), admin_context.crt, admin_context.key);
  // An upgrade whose client has sent its options but no image yet.
  grpc::ClientContext context;
  auto stream = stub->Upgrade(&context);
  v1::UpgradeRequest first;
  first.mutable_options()->set_stage(true);
  ASSERT_TRUE(stream->Write(first));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!contains(node->log(), "upgrade: requested") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::string before = disk_digest();
  auto second = ctl_run(*node, admin(), {"upgrade", "--image", v2_->string(), "--stage"});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_TRUE(contains(second.err, "an upgrade is already running on this node")) << second.err;
  auto rollback = ctl_run(*node, admin(), {"rollback"});
  EXPECT_EQ(rollback.exit_code, 1);
  EXPECT_TRUE(contains(rollback.err, "already running")) << rollback.err;
  EXPECT_EQ(disk_digest(), before);
  context.TryCancel();
  stream->Finish();
}

TEST_F(ApiTest, BadImagesAreRefusedAndTheDiskStaysAsItWas) {
  auto node = start();
  std::string before = disk_digest();
  // One flipped byte somewhere in the archive's blobs.
  fs::path damaged = work_ / "damaged.tar";
  fs::copy_file(*v2_, damaged);
  std::string bytes = read_file(damaged);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x01);
  write_file(damaged, bytes);
  auto r = ctl_run(*node, admin(), {"upgrade", "--image", damaged.string(), "--stage"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "sha256") || contains(r.err, "digest")) << r.err;

  // Signed with another key: refused against the running image's trust
  // store before anything else happens.
  make_key_pair(work_, "stranger");
  fs::path foreign = build_installer_image(work_ / "foreign", "v2", work_ / "stranger.pem");
  auto f = ctl_run(*node, admin(), {"upgrade", "--image", foreign.string(), "--stage"});
  EXPECT_EQ(f.exit_code, 1);
  EXPECT_TRUE(contains(f.err, "signature does not verify with any trusted key")) << f.err;
  EXPECT_FALSE(contains(node->log(), "running the new version's installer")) << node->log();

  fs::path not_an_image = work_ / "notes.tar";
  write_file(not_an_image, "not a tar");
  auto n = ctl_run(*node, admin(), {"upgrade", "--image", not_an_image.string(), "--stage"});
  EXPECT_EQ(n.exit_code, 1);
  auto missing = ctl_run(*node, admin(), {"upgrade", "--image", (work_ / "missing.tar").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(contains(missing.err, "neither a local installer image")) << missing.err;
  EXPECT_EQ(disk_digest(), before);
  EXPECT_FALSE(ctl_run(*node, admin(), {"--json", "status"}).out.empty());
}

TEST_F(ApiTest, MalformedMachineConfigsAreRefusedWithTheirPlace) {
  fs::path bad = work_ / "bad.yaml";
  std::string text = read_file(dir_->path() / "cluster/controlplane.yaml");
  auto at = text.find("wipe: false");
  ASSERT_NE(at, std::string::npos) << text;
  text.replace(at, 11, "wipe: maybe");
  write_file(bad, text);
  auto r = run_machined({"--disk", disk_.string(), "--slot", "A", "--trust", (dir_->path() / "key.pub").string(),
                         "--work-dir", (work_ / "run").string(), "--listen", "127.0.0.1:0", "--config", bad.string()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, bad.string() + ":")) << r.output;
  EXPECT_TRUE(contains(r.output, "machine.install.wipe")) << r.output;

  // The imager refuses it before building anything.
  fs::path out = work_ / "out";
  auto argv = imager_build_argv("metal", out, "v1", dir_->path() / "key.pem", {});
  argv.insert(argv.end(), {"--config", bad.string()});
  auto built = run(argv);
  EXPECT_EQ(built.exit_code, 1);
  EXPECT_TRUE(contains(built.err, "machine.install.wipe")) << built.err;
  EXPECT_TRUE(list_dir(out).empty());
}

// A configured node takes a new machine config from an admin (mutual TLS,
// no --insecure): STATE's config.yaml is replaced, nothing staged is left,
// the filesystem stays consistent, and the node reboots into the new config.
TEST_F(ApiTest, ApplyConfigurationReplacesTheConfigOfAConfiguredNode) {
  auto control_plane = start_control_plane_for_workers();
  auto node = start();
  std::string original = read_file(dir_->path() / "cluster/controlplane.yaml");
  EXPECT_EQ(state_config(), original);
  auto got = ctl_run(*node, admin(), {"get-config"});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_EQ(got.out, original);

  // The worker's config, with a hostname of its own.
  auto worker = config::load_machine_config(dir_->path() / "cluster/worker.yaml");
  worker.machine.network.hostname = "w-7";
  fs::path file = work_ / "w-7.yaml";
  write_file(file, config::to_yaml(worker));
  auto applied = ctl_run(*node, admin(), {"apply-config", "--file", file.string()});
  ASSERT_EQ(applied.exit_code, 0) << applied.err << node->log();
  EXPECT_TRUE(contains(applied.out, "machine config in STATE of " + disk_.string() + " replaced; rebooting into it"))
      << applied.out;
  EXPECT_EQ(node->wait_exit(30), kRebootExitCode) << node->log();
  EXPECT_EQ(state_config(), read_file(file));
  EXPECT_FALSE(disk::read_from_ext4_if_present(disk_, state_offset(), "/config.yaml.new").has_value());
  auto fsck = check_state_filesystem();
  EXPECT_EQ(fsck.exit_code, 0) << fsck.out << fsck.err;

  auto again = start();
  auto version = ctl_run(*again, admin(), {"--json", "version"});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  auto v = nlohmann::json::parse(version.out).at(0);
  EXPECT_EQ(v["machine_type"], "worker");
  EXPECT_EQ(v["hostname"], "w-7");

  // Once more, back: the replaced file's space is reused, nothing leaks.
  auto back = ctl_run(*again, admin(), {"apply-config", "--file", (dir_->path() / "cluster/controlplane.yaml").string()});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  EXPECT_EQ(again->wait_exit(30), kRebootExitCode) << again->log();
  EXPECT_EQ(state_config(), original);
  fsck = check_state_filesystem();
  EXPECT_EQ(fsck.exit_code, 0) << fsck.out << fsck.err;
}

// A node whose config names no etcd has no snapshot to give, and says so;
// bronzectl leaves no file.
TEST_F(ApiTest, EtcdSnapshotOnANodeWithoutEtcdSaysSoAndWritesNothing) {
  auto node = start();
  fs::path out = work_ / "backups";
  fs::create_directories(out);
  auto r = ctl_run(*node, admin(), {"etcd", "snapshot", (out / "etcd.db").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "EtcdSnapshot: this node's machine config names no etcd (cluster.etcd.endpoints)")) << r.err;
  EXPECT_TRUE(list_dir(out).empty());
}

// A bad config is refused with its line, column and field, before STATE is
// opened for writing: STATE stays byte for byte as it was, and the node does
// not reboot.
TEST_F(ApiTest, ApplyConfigurationRefusesABadConfigAndLeavesStateAsItWas) {
  auto node = start();
  std::string before = state_digest();
  std::string text = read_file(dir_->path() / "cluster/controlplane.yaml");
  auto at = text.find("wipe: false");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 11, "wipe: maybe");
  fs::path bad = work_ / "bad.yaml";
  write_file(bad, text);
  auto r = ctl_run(*node, admin(), {"apply-config", "--file", bad.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "machine.install.wipe: expected true or false")) << r.err;
  EXPECT_TRUE(contains(r.err, "the applied config:")) << r.err;
  // Its place: line and column of "maybe".
  size_t line = static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n')) + 1;
  size_t column = at - text.rfind('\n', at) + 6;
  EXPECT_TRUE(contains(r.err, ":" + std::to_string(line) + ":" + std::to_string(column) + ": ")) << r.err;

  // An etcd TLS key that is not its certificate's is caught at parse too.
  auto config = config::load_machine_config(dir_->path() / "cluster/controlplane.yaml");
  auto ca = config::make_ca("etcd", config::valid_for(std::chrono::hours(1)));
  auto client = config::issue_plain_client_certificate(ca, "cp", {}, config::valid_for(std::chrono::hours(1)));
  auto other = config::issue_plain_client_certificate(ca, "cp", {}, config::valid_for(std::chrono::hours(1)));
  config.cluster.etcd = config::EtcdConfig{{"https://127.0.0.1:2379"}, "cp", config::EtcdTlsConfig{ca.certificate.to_pem(), client.certificate.to_pem(), other.key.to_pem()}};
  fs::path mismatched = work_ / "mismatched.yaml";
  write_file(mismatched, config::to_yaml(config));
  auto m = ctl_run(*node, admin(), {"apply-config", "--file", mismatched.string()});
  EXPECT_EQ(m.exit_code, 1);
  EXPECT_TRUE(contains(m.err, "cluster.etcd.tls.key: the key does not belong to the certificate")) << m.err;

  EXPECT_EQ(state_digest(), before);
  EXPECT_FALSE(contains(node->log(), "rebooting")) << node->log();
  EXPECT_EQ(ctl_run(*node, admin(), {"version"}).exit_code, 0);
}

// Every call with every role. The table is the contract (Talos's roles):
// an allowed call must succeed, a denied one must be PERMISSION_DENIED
// naming the call, who may make it and the role held. Each role gets a
// fresh node whose calls run in an order that keeps every call meaningful:
// the staged upgrade is rebooted into, then rolled back, then the config is
// replaced; every allowed call that reboots is followed by a restart on the
// slot GRUB would boot.
TEST_F(ApiTest, EveryCallWithEveryRole) {
  struct Row {
    const char* call;
    bool admin, operator_, reader, etcd_backup, no_role;
  };
  // clang-format off
  const std::vector<Row> table = {
      //  call                  admin  operator reader etcd:backup no role
      {"Version",              true,  true,    true,  false,      false},
      {"Status",               true,  true,    true,  false,      false},
      {"Logs",                 true,  true,    true,  false,      false},
      {"Verify",               true,  true,    true,  false,      false},
      {"GetConfiguration",     true,  false,   false, false,      false},
      {"EtcdSnapshot",         true,  true,    false, true,       false},
      {"Upgrade",              true,  true,    false, false,      false},
      {"Reboot",               true,  true,    false, false,      false},
      {"Rollback",             true,  true,    false, false,      false},
      {"ApplyConfiguration",   true,  false,   false, false,      false},
  };
  // clang-format on
  struct Column {
    std::string name;     // as the denial names what the certificate holds
    fs::path config;
    bool Row::*allowed;
  };
  const fs::path d = dir_->path();
  const std::vector<Column> columns = {
      {"os:admin", admin(), &Row::admin},
      {"os:operator", d / role_file(config::kRoleOperator), &Row::operator_},
      {"os:reader", d / "reader-config", &Row::reader},
      {"os:etcd:backup", d / role_file(config::kRoleEtcdBackup), &Row::etcd_backup},
      {"no role", d / "no-role-config", &Row::no_role},
  };

  // A worker with etcd, so that EtcdSnapshot has an etcd to snapshot (a
  // worker runs no cluster steps when it upgrades).
  etcd::test::EtcdCluster etcd(1);
  auto control_plane = start_control_plane_for_workers();
  auto node_config = config::load_machine_config(d / "cluster/worker.yaml");
  node_config.cluster.etcd = config::EtcdConfig{etcd.client_urls(), "", std::nullopt};
  fs::path config_file = work_ / "worker-with-etcd.yaml";
  write_file(config_file, config::to_yaml(node_config));
  const std::string image = read_file(*v2_);

  for (const auto& column : columns) {
    SCOPED_TRACE(column.name);
    work_ = dir_->path() / ("roles-" + column.config.filename().string());
    fs::create_directories(work_);
    disk_ = work_ / "disk.raw";
    copy_sparse(d / "v1/metal-amd64.raw", disk_);
    auto context = config::load_client_config(column.config).select();
    auto node = start("A", config_file);
    const std::string disk_before = disk_digest();
    bool upgrades = false;

    for (const auto& row : table) {
      SCOPED_TRACE(row.call);
      auto stub = raw_stub(node->endpoint(), context.crt, context.key);
      grpc::ClientContext call;
      call.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
      std::string call_name = row.call;
      grpc::Status status;
      bool reboots = false;
      if (call_name == "Version") {
        v1::VersionResponse r;
        status = stub->Version(&call, {}, &r);
        if (status.ok()) {
          EXPECT_EQ(r.version(), "v1");
        }
      } else if (call_name == "Status") {
        v1::StatusResponse r;
        status = stub->Status(&call, {}, &r);
        if (status.ok()) {
          EXPECT_EQ(r.booted_slot(), "A");
        }
      } else if (call_name == "Logs") {
        auto reader = stub->Logs(&call, {});
        v1::LogEntry entry;
        int lines = 0;
        while (reader->Read(&entry)) ++lines;
        status = reader->Finish();
        if (status.ok()) {
          EXPECT_GT(lines, 0);
        }
      } else if (call_name == "Verify") {
        v1::VerifyResponse r;
        status = stub->Verify(&call, {}, &r);
        if (status.ok()) {
          EXPECT_TRUE(r.ok()) << r.problem();
          EXPECT_EQ(r.slot(), "A");
        }
      } else if (call_name == "GetConfiguration") {
        v1::GetConfigurationResponse r;
        status = stub->GetConfiguration(&call, {}, &r);
        if (status.ok()) {
          EXPECT_EQ(r.data(), read_file(config_file));
        }
      } else if (call_name == "EtcdSnapshot") {
        auto reader = stub->EtcdSnapshot(&call, {});
        v1::EtcdSnapshotChunk chunk;
        uint64_t size = 0;
        while (reader->Read(&chunk)) size += chunk.data().size();
        status = reader->Finish();
        if (status.ok()) {
          EXPECT_EQ(size % 512, 32u) << size;
        }
        if (!status.ok()) {
          EXPECT_EQ(size, 0u);
        }
      } else if (call_name == "Upgrade") {
        auto stream = stub->Upgrade(&call);
        v1::UpgradeRequest options;
        options.mutable_options()->set_stage(true);
        options.mutable_options()->set_image_size(image.size());
        bool sent = stream->Write(options);
        for (size_t at = 0; sent && at < image.size(); at += 1 << 20) {
          v1::UpgradeRequest chunk;
          chunk.set_chunk(image.substr(at, 1 << 20));
          sent = stream->Write(chunk);
        }
        stream->WritesDone();
        v1::UpgradeEvent event;
        std::string last;
        while (stream->Read(&event)) last = event.step();
        status = stream->Finish();
        if (status.ok()) {
          EXPECT_EQ(last, "done");
        }
      } else if (call_name == "Reboot") {
        v1::RebootResponse r;
        status = stub->Reboot(&call, {}, &r);
        reboots = true;
      } else if (call_name == "Rollback") {
        v1::RollbackResponse r;
        status = stub->Rollback(&call, {}, &r);
        if (status.ok()) {
          EXPECT_EQ(r.slot(), "A");
        }
        reboots = true;
      } else if (call_name == "ApplyConfiguration") {
        v1::ApplyConfigurationRequest request;
        request.set_data(read_file(config_file));
        v1::ApplyConfigurationResponse r;
        status = stub->ApplyConfiguration(&call, request, &r);
        if (status.ok()) {
          EXPECT_TRUE(r.replaced());
        }
        reboots = true;
      } else {
        FAIL() << "the table names a call this test does not make";
      }

      const bool allowed = row.*column.allowed;
      if (allowed) {
        if (call_name == "Upgrade") upgrades = true;
        EXPECT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message() << "\n" << node->log();
        if (status.ok() && reboots) {
          EXPECT_EQ(node->wait_exit(30), kRebootExitCode) << node->log();
          std::string next = disk_status(disk_).value("next_boot", "");
          node = start(next, config_file);
        }
      } else {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
        EXPECT_TRUE(contains(status.error_message(), call_name + " needs a client certificate with role "))
            << status.error_message();
        EXPECT_TRUE(contains(status.error_message(), "this one has " + column.name)) << status.error_message();
      }
    }
    if (!upgrades) {
      // Only refusals and reads: nothing on the disk changed.
      EXPECT_EQ(disk_digest(), disk_before);
    } else {
      // The staged upgrade was booted into (and committed), then rolled back.
      auto status = disk_status(disk_);
      EXPECT_TRUE(status["slots"]["B"]["committed"].get<bool>()) << status.dump();
      EXPECT_EQ(status["next_boot"], "A") << status.dump();
    }
  }
}

}  // namespace
}  // namespace bronze::test
