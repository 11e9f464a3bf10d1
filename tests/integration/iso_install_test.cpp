// Installing from the ISO through the maintenance API, with machined run as
// a host process: booted "live" on the ISO's own installation template (taken
// out of the ISO with xorriso and cpio, as the boot loader would load it), it
// takes a machine config from `bronzectl apply-config --insecure` and installs
// to the disk the config names. The disk it writes must be the one the imager
// makes for that config, and boot into a node serving the API with mutual TLS.
// Bad input leaves the disk as it was. A node installed from an image built
// without a config takes one into STATE the same way. A client that checks
// the node's certificate fingerprint talks to no other machine, and a node
// booted with a maintenance token takes a config only with it.

#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <thread>

#include "base/files.h"
#include "base/sha256.h"
#include "base/units.h"
#include "disk/filesystems/ext4.h"
#include "disk/partitions/gpt.h"
#include "disk/slots/bronze_disk.h"
#include "tests/support/bronzectl_cli.h"
#include "tests/support/host_node.h"
#include "tests/support/image_fixture.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;
constexpr const char* kVersion = "v1.0.0-isoinstall";

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string range_digest(const fs::path& disk, uint64_t start, uint64_t size) {
  Sha256 digest;
  for (uint64_t at = 0; at < size; at += MiB) {
    digest.update(read_at(disk, start + at, static_cast<size_t>(std::min<uint64_t>(MiB, size - at))));
  }
  return digest.hex_digest();
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from << " not in\n" << text;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// A disk that held something else: 1 MiB of 0xAA every 16 MiB, so that
// whatever the install leaves unwritten would show.
void make_used_disk(const fs::path& path, uint64_t size) {
  write_file(path, "");
  fs::resize_file(path, size);
  std::string junk(MiB, '\xAA');
  for (uint64_t at = 0; at + MiB <= size; at += 16 * MiB) write_at(path, at, junk);
}

class IsoInstallTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("bronze-iso-install-test");
    const fs::path& d = dir_->path();
    make_key_pair(d);
    gen_config(d / "cluster", "iso");
    auto argv = imager_build_argv("metal", d / "iso", kVersion, d / "key.pem", {});
    argv.insert(argv.end(), {"--output", "iso"});
    run_checked(argv);
    run_checked({"xorriso", "-osirrox", "on", "-indev", (d / "iso/metal-amd64.iso").string(), "-extract",
                 "/boot/install.img", (d / "install.img").string()});
    fs::create_directories(d / "payload");
    run_checked({"cpio", "-i", "-d", "--quiet", "-F", (d / "install.img").string(), "-D", (d / "payload").string()});
    // What the imager makes for the same config, to compare with.
    auto reference = imager_build_argv("metal", d / "reference", kVersion, d / "key.pem", {});
    reference.insert(reference.end(), {"--config", (d / "cluster/controlplane.yaml").string()});
    run_checked(reference);
    build_image(d / "unconfigured", kVersion, d / "key.pem");
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override {
    static int n = 0;
    work_ = dir_->path() / ("node-" + std::to_string(++n));
    dev_ = work_ / "dev";
    fs::create_directories(dev_);
  }

  std::unique_ptr<HostNode> boot_live() {
    HostNodeOptions o;
    o.slot = "live";
    o.install_template = dir_->path() / "payload/install/disk.raw.zst";
    o.dev_dir = dev_;
    o.trust = dir_->path() / "key.pub";
    o.work_dir = work_;
    return std::make_unique<HostNode>(o);
  }

  std::unique_ptr<HostNode> boot_disk(const fs::path& disk, const std::string& cmdline = "") {
    HostNodeOptions o;
    o.disk = disk;
    o.trust = dir_->path() / "key.pub";
    o.work_dir = work_;
    o.cmdline = cmdline;
    return std::make_unique<HostNode>(o);
  }

  // `bronzectl apply-config --insecure` with the config `text`, and `extra`.
  RunResult apply(const HostNode& node, const std::string& text, const std::vector<std::string>& extra = {}) {
    static int n = 0;
    fs::path file = work_ / ("config-" + std::to_string(++n) + ".yaml");
    write_file(file, text);
    std::vector<std::string> args = {"-n", node.endpoint(), "apply-config", "--insecure", "--file", file.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_bronzectl(args);
  }

  // The fingerprint the node printed, as its console shows it.
  static std::string printed_fingerprint(const HostNode& node) {
    const std::string marker = "machined: maintenance API certificate SHA-256 fingerprint ";
    std::string log = node.log();
    auto at = log.find(marker);
    EXPECT_NE(at, std::string::npos) << log;
    if (at == std::string::npos) return "";
    at += marker.size();
    return log.substr(at, log.find(' ', at) - at);
  }

  static std::string config_text() { return read_file(dir_->path() / "cluster/controlplane.yaml"); }
  static fs::path admin() { return dir_->path() / "cluster/bronzeconfig"; }

  static TempDir* dir_;
  fs::path work_, dev_;
};

TempDir* IsoInstallTest::dir_ = nullptr;

TEST_F(IsoInstallTest, InstallsTheDiskTheImagerWouldMakeAndBootsIt) {
  fs::path reference = dir_->path() / "reference/metal-amd64.raw";
  fs::path disk = dev_ / "vda";
  make_used_disk(disk, fs::file_size(reference));
  {
    auto live = boot_live();
    EXPECT_NE(live->log().find("maintenance mode: the API on"), std::string::npos) << live->log();
    auto version = run_bronzectl({"-n", live->endpoint(), "--json", "version", "--insecure"});
    ASSERT_EQ(version.exit_code, 0) << version.err;
    EXPECT_NE(version.out.find("\"slot\": \"live\""), std::string::npos) << version.out;

    auto r = apply(*live, config_text());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err << live->log();
    EXPECT_NE(r.out.find(std::string("installed ") + kVersion + " to /dev/vda"), std::string::npos) << r.out;
    EXPECT_EQ(live->wait_exit(30), kRebootExitCode) << live->log();
    EXPECT_NE(live->log().find("machined: rebooting (installed to /dev/vda)"), std::string::npos) << live->log();
  }

  // Partition by partition, the imager's disk for the same config: the GPT
  // and the boot code, both slots, the ESP, META. STATE differs only in how
  // config.yaml got there; EPHEMERAL is made at first boot.
  auto parts = disk::read_gpt(reference);
  ASSERT_EQ(parts.size(), 7u);
  EXPECT_EQ(range_digest(disk, 0, MiB), range_digest(reference, 0, MiB)) << "MBR and primary GPT";
  uint64_t size = fs::file_size(reference);
  EXPECT_EQ(range_digest(disk, size - disk::kBackupGptBytes, disk::kBackupGptBytes),
            range_digest(reference, size - disk::kBackupGptBytes, disk::kBackupGptBytes))
      << "backup GPT";
  for (const auto& p : parts) {
    if (p.label == "STATE" || p.label == "EPHEMERAL") continue;
    EXPECT_EQ(range_digest(disk, p.start, p.size), range_digest(reference, p.start, p.size)) << p.label;
  }
  const auto& state = *std::find_if(parts.begin(), parts.end(), [](const auto& p) { return p.label == "STATE"; });
  EXPECT_EQ(disk::read_from_ext4(disk, state.start, "/config.yaml"), config_text());
  // STATE as e2fsck sees it: clean, with config.yaml in place.
  fs::path state_copy = work_ / "state.ext4";
  write_file(state_copy, read_at(disk, state.start, static_cast<size_t>(state.size)));
  auto fsck = run({"e2fsck", "-f", "-n", state_copy.string()});
  EXPECT_EQ(fsck.exit_code, 0) << fsck.out << fsck.err;
  const auto& ephemeral = parts.back();
  EXPECT_EQ(read_at(disk, ephemeral.start, MiB), std::string(MiB, '\0')) << "an older EPHEMERAL is wiped";

  // The installed disk boots slot A, commits it, and serves the API to the
  // cluster's admin over mutual TLS.
  auto node = boot_disk(disk);
  EXPECT_NE(node->log().find("(mutual TLS; controlplane"), std::string::npos) << node->log();
  auto args = ctl(admin(), node->endpoint());
  args.insert(args.end(), {"--json", "status"});
  auto status = run_bronzectl(args);
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find(kVersion), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("\"committed\": true"), std::string::npos) << status.out;
}

TEST_F(IsoInstallTest, BadInputIsRefusedAndLeavesTheDisksAsTheyWere) {
  make_used_disk(dev_ / "vda", GiB);
  make_used_disk(dev_ / "vdb", 256 * MiB);
  std::string vda = sha256_file_hex(dev_ / "vda"), vdb = sha256_file_hex(dev_ / "vdb");
  auto live = boot_live();
  struct Case {
    std::string name, config, expected;
  };
  std::vector<Case> cases = {
      {"malformed", replace(config_text(), "machine:", "machine: [\n"), "the applied config:"},
      {"unknown field", replace(config_text(), "machine:\n", "machine:\n  colour: red\n"), "machine.colour"},
      {"no such disk", replace(config_text(), "disk: /dev/vda", "disk: /dev/vdz"),
       "machine.install.disk: /dev/vdz does not exist (disks here: /dev/vda, /dev/vdb)"},
      {"disk too small", replace(config_text(), "disk: /dev/vda", "disk: /dev/vdb"), "is too small for the layout"},
      {"kernel args", replace(config_text(), "extraKernelArgs: []", "extraKernelArgs: [quiet]"),
       "machine.install.extraKernelArgs cannot be applied to a built image"},
  };
  for (const auto& c : cases) {
    auto r = apply(*live, c.config);
    EXPECT_EQ(r.exit_code, 1) << c.name << ": " << r.out;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << c.name << ": " << r.err;
  }
  // Without --insecure bronzectl says why it needs it; through mutual TLS the
  // maintenance node answers nothing but says what it takes.
  auto no_flag = run_bronzectl({"-n", live->endpoint(), "apply-config", "--file", (admin().parent_path() / "controlplane.yaml").string()});
  EXPECT_EQ(no_flag.exit_code, 1);
  EXPECT_NE(no_flag.err.find("apply-config needs --insecure"), std::string::npos) << no_flag.err;
  auto args = ctl(admin(), live->endpoint());
  args.push_back("version");
  auto mtls = run_bronzectl(args);
  EXPECT_EQ(mtls.exit_code, 1) << mtls.out;
  EXPECT_NE(mtls.err.find("maintenance mode takes only `apply-config --insecure`"), std::string::npos) << mtls.err;

  EXPECT_EQ(sha256_file_hex(dev_ / "vda"), vda);
  EXPECT_EQ(sha256_file_hex(dev_ / "vdb"), vdb);
  // Still in maintenance mode, and a good config still installs.
  auto good = apply(*live, config_text());
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_EQ(live->wait_exit(30), kRebootExitCode) << live->log();
}

TEST_F(IsoInstallTest, AnImageBuiltWithoutAConfigTakesOneIntoState) {
  fs::path disk = work_ / "disk.raw";
  copy_sparse(dir_->path() / "unconfigured/metal-amd64.raw", disk);
  {
    auto node = boot_disk(disk);
    EXPECT_NE(node->log().find("machined: no machine config in STATE; maintenance mode: the API on"), std::string::npos)
        << node->log();
    auto r = apply(*node, config_text());
    ASSERT_EQ(r.exit_code, 0) << r.err << node->log();
    EXPECT_NE(r.out.find("machine config put into STATE of " + disk.string()), std::string::npos) << r.out;
    EXPECT_EQ(node->wait_exit(30), kRebootExitCode) << node->log();
  }
  auto node = boot_disk(disk);
  auto args = ctl(admin(), node->endpoint());
  args.insert(args.end(), {"--json", "version"});
  auto version = run_bronzectl(args);
  ASSERT_EQ(version.exit_code, 0) << version.err << node->log();
  EXPECT_NE(version.out.find(kVersion), std::string::npos) << version.out;
  EXPECT_NE(version.out.find("\"machine_type\": \"controlplane\""), std::string::npos) << version.out;
}

// The node's certificate is checked by the fingerprint its console shows,
// and a node booted with a maintenance token takes a config only from who
// shows it. Every refusal leaves STATE (the disk) as it was.
TEST_F(IsoInstallTest, TheFingerprintAndTheMaintenanceTokenGuardTheConfig) {
  const std::string token = "Xq7fR2mWv9Lk4Ts8Zp3N";
  fs::path disk = work_ / "disk.raw";
  copy_sparse(dir_->path() / "unconfigured/metal-amd64.raw", disk);
  std::string before = sha256_file_hex(disk);
  auto node = boot_disk(disk, "console=ttyS0 bronze.maintenance.token=" + token);
  EXPECT_FALSE(contains(node->log(), token)) << "the token is printed:\n" << node->log();
  EXPECT_TRUE(contains(node->log(), "a config is taken only with the maintenance token (kernel argument "
                                    "bronze.maintenance.token)")) << node->log();
  std::string fingerprint = printed_fingerprint(*node);
  ASSERT_EQ(fingerprint.size(), 95u) << fingerprint;
  std::string plain;
  for (char c : fingerprint) {
    if (c != ':') plain.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }

  // Another machine's fingerprint: bronzectl refuses the node before it
  // sends anything, so the node sees no ApplyConfiguration.
  std::string other = std::string(fingerprint).replace(0, 2, fingerprint.substr(0, 2) == "00" ? "01" : "00");
  auto wrong_fp = apply(*node, config_text(), {"--cert-fingerprint", other, "--token", token});
  EXPECT_EQ(wrong_fp.exit_code, 1) << wrong_fp.out;
  EXPECT_TRUE(contains(wrong_fp.err, "before sending anything: its certificate has SHA-256 fingerprint " +
                                         fingerprint + ", not " + other)) << wrong_fp.err;
  auto version_fp = run_bronzectl({"-n", node->endpoint(), "version", "--insecure", "--cert-fingerprint", other});
  EXPECT_EQ(version_fp.exit_code, 1);
  EXPECT_TRUE(contains(version_fp.err, "before sending anything")) << version_fp.err;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_FALSE(contains(node->log(), "ApplyConfiguration")) << node->log();
  EXPECT_EQ(sha256_file_hex(disk), before);

  // The right node, but no token, or a wrong one: the node refuses.
  auto no_token = apply(*node, config_text(), {"--cert-fingerprint", fingerprint});
  EXPECT_EQ(no_token.exit_code, 1) << no_token.out;
  EXPECT_TRUE(contains(no_token.err, "ApplyConfiguration needs this node's maintenance token (set by the kernel "
                                     "argument bronze.maintenance.token)")) << no_token.err;
  auto wrong_token = apply(*node, config_text(), {"--cert-fingerprint", plain, "--token", token + "x"});
  EXPECT_EQ(wrong_token.exit_code, 1) << wrong_token.out;
  EXPECT_TRUE(contains(wrong_token.err, "wrong maintenance token")) << wrong_token.err;
  auto short_token = apply(*node, config_text(), {"--cert-fingerprint", plain, "--token", token.substr(0, 19)});
  EXPECT_EQ(short_token.exit_code, 1) << short_token.out;
  EXPECT_TRUE(contains(node->log(), "refused: ApplyConfiguration needs this node's maintenance token")) << node->log();
  EXPECT_TRUE(contains(node->log(), "refused: ApplyConfiguration: wrong maintenance token")) << node->log();
  EXPECT_EQ(sha256_file_hex(disk), before);
  EXPECT_FALSE(contains(node->log(), "put into STATE")) << node->log();

  // Both spellings of the fingerprint check the node; without one bronzectl
  // works as before but says what it saw and that it did not check it.
  for (const std::string& fp : {fingerprint, plain, "sha256 Fingerprint=" + fingerprint}) {
    auto v = run_bronzectl({"-n", node->endpoint(), "version", "--insecure", "--cert-fingerprint", fp});
    EXPECT_EQ(v.exit_code, 0) << fp << ": " << v.err;
    EXPECT_FALSE(contains(v.err, "warning")) << v.err;
  }
  auto unchecked = run_bronzectl({"-n", node->endpoint(), "version", "--insecure"});
  EXPECT_EQ(unchecked.exit_code, 0) << unchecked.err;
  EXPECT_TRUE(contains(unchecked.err, "warning: the node's certificate was not verified")) << unchecked.err;
  EXPECT_TRUE(contains(unchecked.err, "It has SHA-256 fingerprint " + fingerprint)) << unchecked.err;
  auto malformed = run_bronzectl({"-n", node->endpoint(), "version", "--insecure", "--cert-fingerprint", "ab:cd"});
  EXPECT_EQ(malformed.exit_code, 1);
  EXPECT_TRUE(contains(malformed.err, "64 hex digits")) << malformed.err;
  auto needs_insecure = run_bronzectl({"-n", node->endpoint(), "version", "--cert-fingerprint", plain});
  EXPECT_EQ(needs_insecure.exit_code, 2) << needs_insecure.err;

  // The right node and the right token: the config goes into STATE.
  auto good = apply(*node, config_text(), {"--cert-fingerprint", fingerprint, "--token", token});
  ASSERT_EQ(good.exit_code, 0) << good.err << node->log();
  EXPECT_FALSE(contains(good.err, "warning")) << good.err;
  EXPECT_TRUE(contains(good.out, "machine config put into STATE of " + disk.string())) << good.out;
  EXPECT_EQ(node->wait_exit(30), kRebootExitCode) << node->log();
  auto parts = disk::read_gpt(disk);
  const auto& state = *std::find_if(parts.begin(), parts.end(), [](const auto& p) { return p.label == "STATE"; });
  EXPECT_EQ(disk::read_from_ext4(disk, state.start, "/config.yaml"), config_text());
}

// A token given on the command line but too short to be safe closes the
// node rather than leaving it open.
TEST_F(IsoInstallTest, AnUnusableMaintenanceTokenRefusesEveryConfig) {
  fs::path disk = work_ / "disk.raw";
  copy_sparse(dir_->path() / "unconfigured/metal-amd64.raw", disk);
  std::string before = sha256_file_hex(disk);
  auto node = boot_disk(disk, "bronze.maintenance.token=short");
  EXPECT_TRUE(contains(node->log(), "is unusable: it must be 16 to 256 characters long, and has 5; every config is "
                                    "refused")) << node->log();
  using Args = std::vector<std::string>;
  for (const Args& extra : {Args{"--token", "short"}, Args{}}) {
    auto r = apply(*node, config_text(), extra);
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_TRUE(contains(r.err, "maintenance token (kernel argument bronze.maintenance.token) is unusable")) << r.err;
  }
  EXPECT_EQ(sha256_file_hex(disk), before);
}

}  // namespace
}  // namespace bronze::test
