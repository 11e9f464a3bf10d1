// machine.registries: mirrors, logins and private CAs read, written back
// equal, and every mistake refused with its line, column and field.
#include "machine_config/registries_config.h"

#include <gtest/gtest.h>

#include "base/base64.h"
#include "machine_config/machine_config.h"
#include "tests/support/test_configs.h"

namespace bronze::config {
namespace {

using testing::expect_machine_config_error;
using testing::machine_yaml;
using testing::replace_line;

// The test config with `block` as machine.registries, after its hostname
// (line 9): the block's first line is line 11.
std::string with_registries(const std::string& block) {
  return replace_line(machine_yaml(), 9, "    hostname: node-1\n  registries:\n" + block);
}

std::string ca_base64() { return base64_encode(testing::test_ca().certificate.to_pem()); }

TEST(RegistriesConfig, ReadsMirrorsLoginsAndCAsAndWritesThemBackEqual) {
  auto config = parse_machine_config(with_registries(
                                         "    mirrors:\n"
                                         "      registry.example.com:\n"
                                         "        endpoints: [https://mirror.local:5000/, 'http://10.0.0.5:5000']\n"
                                         "      '*':\n"
                                         "        endpoints: [https://cache.local]\n"
                                         "        skipFallback: true\n"
                                         "    config:\n"
                                         "      mirror.local:5000:\n"
                                         "        auth: {username: puller, password: 'p:ss word'}\n"
                                         "        tls:\n"
                                         "          ca: " + ca_base64() + "\n"
                                         "      cache.local:\n"
                                         "        auth: {auth: " + base64_encode("robot:token") + "}\n"),
                                     "node.yaml");
  const RegistriesConfig& registries = config.machine.registries;
  ASSERT_EQ(registries.mirrors.size(), 2u);
  EXPECT_EQ(registries.mirrors.at("registry.example.com").endpoints,
            (std::vector<std::string>{"https://mirror.local:5000", "http://10.0.0.5:5000"}));
  EXPECT_FALSE(registries.mirrors.at("registry.example.com").skip_fallback);
  EXPECT_TRUE(registries.mirrors.at("*").skip_fallback);
  const RegistryHostConfig& mirror = registries.config.at("mirror.local:5000");
  ASSERT_TRUE(mirror.auth);
  EXPECT_EQ(mirror.auth->username, "puller");
  EXPECT_EQ(mirror.auth->password, "p:ss word");
  EXPECT_EQ(mirror.ca, testing::test_ca().certificate.to_pem());
  EXPECT_EQ(registries.config.at("cache.local").auth, (RegistryAuth{"robot", "token"}));
  EXPECT_EQ(registries.config.at("cache.local").ca, "");
  EXPECT_EQ(parse_machine_config(to_yaml(config), "again.yaml"), config);
}

TEST(RegistriesConfig, AConfigWithoutRegistriesHasNone) {
  EXPECT_TRUE(parse_machine_config(machine_yaml(), "node.yaml").machine.registries.empty());
  EXPECT_EQ(to_yaml(parse_machine_config(machine_yaml(), "node.yaml")).find("registries"), std::string::npos);
}

TEST(RegistriesConfig, RefusesEachMistakeWithItsPlace) {
  expect_machine_config_error(with_registries("    mirrors:\n      registry.example.com:\n        endpoints: [mirror.local:5000]\n"),
                              "13:21", "machine.registries.mirrors.registry.example.com.endpoints[0]",
                              "expected an http:// or https:// URL");
  expect_machine_config_error(
      with_registries("    mirrors:\n      registry.example.com:\n        endpoints: [https://mirror.local/v2/proxy]\n"),
      "13:21", "machine.registries.mirrors.registry.example.com.endpoints[0]", "no path");
  expect_machine_config_error(
      with_registries("    mirrors:\n      registry.example.com:\n        endpoints: [https://user:pw@mirror.local]\n"),
      "13:21", "machine.registries.mirrors.registry.example.com.endpoints[0]", "expected an http:// or https:// URL");
  expect_machine_config_error(with_registries("    mirrors:\n      registry.example.com:\n        endpoints: []\n"),
                              "13:20", "machine.registries.mirrors.registry.example.com.endpoints",
                              "at least one endpoint");
  expect_machine_config_error(with_registries("    mirrors:\n      https://registry.example.com:\n        endpoints: [https://m]\n"),
                              "12:7", "machine.registries.mirrors", "without a scheme or a path");
  expect_machine_config_error(with_registries("    config:\n      '*':\n        auth: {username: a, password: b}\n"),
                              "12:7", "machine.registries.config", "expected a registry host");
  expect_machine_config_error(
      with_registries("    config:\n      mirror.local:\n        tls: {insecureSkipVerify: true}\n"), "13:35",
      "machine.registries.config.mirror.local.tls.insecureSkipVerify", "does not switch off TLS verification");
  expect_machine_config_error(with_registries("    config:\n      mirror.local:\n        tls: {ca: bm90IGEgY2VydA==}\n"),
                              "13:19", "machine.registries.config.mirror.local.tls.ca",
                              "expected base64 of a PEM X.509 certificate");
  expect_machine_config_error(with_registries("    config:\n      mirror.local:\n        auth: {username: a}\n"), "13:15",
                              "machine.registries.config.mirror.local.auth", "expected username and password");
  expect_machine_config_error(
      with_registries("    config:\n      mirror.local:\n        auth: {auth: " + base64_encode("nocolon") + "}\n"),
      "13:22", "machine.registries.config.mirror.local.auth.auth", "base64 of \"username:password\"");
  expect_machine_config_error(
      with_registries("    config:\n      mirror.local:\n        auth: {username: a, password: b, auth: YTpi}\n"),
      "13:48", "machine.registries.config.mirror.local.auth.auth", "not both");
  expect_machine_config_error(
      with_registries("    config:\n      mirror.local:\n        auth: {identityToken: x}\n"), "13:16",
      "machine.registries.config.mirror.local.auth.identityToken", "unknown field");
  expect_machine_config_error(
      with_registries("    config:\n      mirror.local:\n        auth: {auth: " + base64_encode("user:p\xffss") + "}\n"),
      "13:15", "machine.registries.config.mirror.local.auth", "printable ASCII");
  expect_machine_config_error(with_registries("    proxies: {}\n"), "11:5", "machine.registries.proxies",
                              "unknown field (expected one of: mirrors, config)");
}

}  // namespace
}  // namespace bronze::config
