#include "client_config/client_config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "base/base64.h"
#include "base/error.h"
#include "base/files.h"
#include "machine_config/gen_config.h"
#include "tests/support/test_configs.h"

namespace bronze::config {
namespace {

using namespace std::chrono_literals;
using testing::test_ca;

ClientConfig admin_config() { return issue_client_config(test_ca(), kRoleAdmin, "admin", {"10.0.0.1"}, 1h, "demo"); }

std::string error_of(const std::string& text) {
  try {
    parse_client_config(text, "bronzeconfig");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ClientConfig, IssuedConfigHoldsAnIdentityForTheRole) {
  ClientConfig config = issue_client_config(test_ca(), kRoleReader, "ci", {"10.0.0.1", "cp.example.com"}, 1h);
  EXPECT_EQ(config.context, "ci");
  const ClientContext& context = config.select();
  EXPECT_EQ(context.endpoints, (std::vector<std::string>{"10.0.0.1", "cp.example.com"}));
  EXPECT_EQ(context.ca, test_ca().certificate.to_pem());
  Certificate crt = Certificate::from_pem(context.crt);
  EXPECT_EQ(crt.common_name(), "ci");
  EXPECT_EQ(role_of(crt), "os:reader");
  EXPECT_TRUE(crt.matches(PrivateKey::from_pem(context.key)));
  EXPECT_NO_THROW(verify_certificate(crt, test_ca().certificate, std::chrono::system_clock::now()));
}

TEST(ClientConfig, RoundTrips) {
  ClientConfig config = admin_config();
  config.contexts["demo"].nodes = {"10.0.0.2", "10.0.0.3"};
  config.contexts["other"] = config.contexts["demo"];
  std::string text = to_yaml(config);
  EXPECT_EQ(parse_client_config(text, "bronzeconfig"), config) << text;
}

TEST(ClientConfig, SelectsContextsByName) {
  ClientConfig config = admin_config();
  config.contexts["staging"] = config.contexts["demo"];
  config.contexts["staging"].endpoints = {"10.1.0.1"};
  EXPECT_EQ(config.select().endpoints, std::vector<std::string>{"10.0.0.1"});
  EXPECT_EQ(config.select("staging").endpoints, std::vector<std::string>{"10.1.0.1"});
  try {
    config.select("prod");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no context 'prod'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("known: demo, staging"), std::string::npos) << e.what();
  }
}

TEST(ClientConfig, WritesPrivatelyAndLoadsBack) {
  TempDir dir;
  auto path = dir.path() / "bronzeconfig";
  write_client_config(admin_config(), path);
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(load_client_config(path).select().endpoints, std::vector<std::string>{"10.0.0.1"});
  write_client_config(admin_config(), path);  // replacing is fine
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(ClientConfigErrors, NameThePositionAndField) {
  std::string good = to_yaml(admin_config());
  ASSERT_EQ(error_of(good), "");
  // Line 3 is "  demo:", line 4 its endpoints.
  std::string unknown = testing::replace_line(good, 4, "    endpoint: [10.0.0.1]");
  EXPECT_EQ(error_of(unknown).rfind("bronzeconfig:4:5: contexts.demo.endpoint: unknown field", 0), 0u)
      << error_of(unknown);
  std::string wrong_context = testing::replace_line(good, 1, "context: prod");
  EXPECT_EQ(error_of(wrong_context).rfind("bronzeconfig:1:10: context: no context named 'prod' (known: demo)", 0), 0u)
      << error_of(wrong_context);
  std::string bad_endpoint = testing::replace_line(good, 4, "    endpoints: {a: 1}");
  EXPECT_EQ(error_of(bad_endpoint).rfind("bronzeconfig:4:16: contexts.demo.endpoints: expected a list", 0), 0u)
      << error_of(bad_endpoint);
}

TEST(ClientConfigErrors, KeyMustBelongToTheCertificate) {
  ClientConfig config = admin_config();
  config.contexts["demo"].key = test_ca().key.to_pem();
  std::string error = error_of(to_yaml(config));
  EXPECT_EQ(error.rfind("bronzeconfig:8:10: contexts.demo.key: the key does not belong", 0), 0u) << error;
}

}  // namespace
}  // namespace bronze::config
