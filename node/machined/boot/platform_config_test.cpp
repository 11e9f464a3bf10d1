// config_from_platform on a real disk image, as machined runs it at boot
// with no config in STATE: a good config from the platform goes into STATE;
// no source, a 404, a slow source, malformed YAML, an unknown field or a
// config the node cannot take each give a clear log line, no config (the
// node stays in maintenance mode), and a disk byte-identical to before.
#include "node/machined/boot/platform_config.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "base/files.h"
#include "base/sha256.h"
#include "node/machined/log_buffer.h"
#include "node/machined/state/state_config.h"
#include "node/platform/node_environment.h"
#include "tests/support/bronzectl_cli.h"
#include "tests/support/image_fixture.h"
#include "tests/support/metadata_standin.h"

namespace bronze::machined {
namespace {

namespace fs = std::filesystem;

class StandInEnvironment : public platform::NodeEnvironment {
 public:
  StandInEnvironment(std::string address, NodeContext& node, long timeout_seconds = 5)
      : NodeEnvironment([&node](const std::string& line) { node.say(line); }, timeout_seconds),
        address_(std::move(address)) {}
  platform::HttpAnswer http(const std::string& method, const std::string& url,
                            const std::map<std::string, std::string>& headers, const std::string& body) override {
    std::string rebased = url;
    const std::string host = "http://169.254.169.254";
    if (rebased.rfind(host, 0) == 0) rebased = "http://" + address_ + rebased.substr(host.size());
    return NodeEnvironment::http(method, rebased, headers, body);
  }
  std::optional<std::string> read_volume_file(const std::vector<std::string>&, const std::string&) override {
    return std::nullopt;
  }
  std::optional<std::string> read_media_file(const std::string&) override { return std::nullopt; }

 private:
  std::string address_;
};

class PlatformConfigTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("bronze-platform-config");
    test::make_key_pair(dir_->path());
    test::gen_config(dir_->path() / "cluster", "platform");
    test::build_image(dir_->path() / "out", "v1", dir_->path() / "key.pem", {}, "hcloud");
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override {
    disk_ = dir_->path() / ("node-" + std::to_string(++count_) + ".raw");
    test::copy_sparse(dir_->path() / "out" / "hcloud-amd64.raw", disk_);
    before_ = sha256_file_hex(disk_);
    node_.facts.slot = "A";
    node_.facts.platform = "hcloud";
    node_.facts.version = "v1";
    node_.facts.arch = "amd64";
    node_.disk = disk_;
    node_.log = &log_;
  }

  std::optional<std::string> fetch(const std::string& address, const std::string& config_url = "",
                                   long timeout_seconds = 5) {
    StandInEnvironment env(address, node_, timeout_seconds);
    platform::RetryPolicy policy;
    policy.attempts = 3;
    policy.sleep = [](std::chrono::milliseconds) {};
    return config_from_platform(node_, env, policy, config_url);
  }

  std::string logged() const {
    std::string out;
    for (const auto& line : log_.since(0)) out += line.text + "\n";
    return out;
  }

  // The refusals: no config, said why, and not one byte of the disk changed.
  void expect_refused(const std::optional<std::string>& config, const std::string& why) {
    EXPECT_FALSE(config);
    EXPECT_NE(logged().find(why), std::string::npos) << logged();
    EXPECT_NE(logged().find("staying in maintenance mode"), std::string::npos) << logged();
    EXPECT_EQ(sha256_file_hex(disk_), before_) << "the disk changed";
  }

  std::string good_config() const { return read_file(dir_->path() / "cluster/worker.yaml"); }

  static TempDir* dir_;
  static int count_;
  fs::path disk_;
  std::string before_;
  LogBuffer log_;
  NodeContext node_;
};
TempDir* PlatformConfigTest::dir_ = nullptr;
int PlatformConfigTest::count_ = 0;

test::LoopbackHttpServer* serve(const test::MetadataStandIn& standin) {
  return new test::LoopbackHttpServer([standin](const test::HttpRequest& r) { return test::answer_metadata(standin, r); });
}

TEST_F(PlatformConfigTest, AGoodConfigGoesIntoStateAndTheHostnameIsTheOneThePlatformNames) {
  std::unique_ptr<test::LoopbackHttpServer> server(
      serve({"hcloud", {{"/hetzner/v1/userdata", good_config()}, {"/hetzner/v1/metadata/hostname", "hc-node-3"}}}));
  auto config = fetch(server->address());
  ASSERT_TRUE(config) << logged();
  EXPECT_EQ(*config, good_config());
  EXPECT_EQ(read_state_config(disk_), good_config());
  EXPECT_EQ(node_.hostname, "hc-node-3");
  EXPECT_NE(logged().find("machine config put into STATE"), std::string::npos) << logged();
}

TEST_F(PlatformConfigTest, NoSourceEndsInMaintenanceMode) {
  expect_refused(fetch("127.0.0.1:" + std::to_string(test::unused_port())), "cannot reach the metadata service");
  EXPECT_NE(logged().find("giving up after 3 attempts"), std::string::npos) << logged();
}

TEST_F(PlatformConfigTest, A404EndsInMaintenanceMode) {
  std::unique_ptr<test::LoopbackHttpServer> server(serve({"hcloud", {}}));
  expect_refused(fetch(server->address()), "is not there (404)");
}

TEST_F(PlatformConfigTest, ASlowSourceIsBounded) {
  test::LoopbackHttpServer server([](const test::HttpRequest&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    return test::HttpReply{};
  });
  auto start = std::chrono::steady_clock::now();
  expect_refused(fetch(server.address(), "", 1), "did not answer");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

TEST_F(PlatformConfigTest, MalformedYamlIsRefusedWhole) {
  std::unique_ptr<test::LoopbackHttpServer> server(serve({"hcloud", {{"/hetzner/v1/userdata", "machine: [unclosed\n"}}}));
  expect_refused(fetch(server->address()), "is not a valid machine config, refused whole (STATE unchanged)");
}

TEST_F(PlatformConfigTest, AnUnknownFieldIsRefusedByName) {
  std::string config = good_config();
  config.replace(config.find("machine:\n"), 9, "machine:\n  colour: blue\n");
  std::unique_ptr<test::LoopbackHttpServer> server(serve({"hcloud", {{"/hetzner/v1/userdata", config}}}));
  expect_refused(fetch(server->address()), "colour");
}

TEST_F(PlatformConfigTest, AConfigTheNodeCannotTakeIsRefused) {
  // Extra kernel arguments would change the signed command line.
  std::string config = good_config();
  config.replace(config.find("install:\n"), 9, "install:\n    extraKernelArgs: [nokaslr]\n");
  std::unique_ptr<test::LoopbackHttpServer> server(serve({"hcloud", {{"/hetzner/v1/userdata", config}}}));
  expect_refused(fetch(server->address()), "extraKernelArgs");
}

TEST_F(PlatformConfigTest, BronzeConfigUrlWinsOverThePlatform) {
  std::unique_ptr<test::LoopbackHttpServer> server(serve({"url", {{"/node.yaml", good_config()}}}));
  auto config = fetch("127.0.0.1:1", "http://" + server->address() + "/node.yaml");
  ASSERT_TRUE(config) << logged();
  EXPECT_EQ(read_state_config(disk_), good_config());
}

}  // namespace
}  // namespace bronze::machined
