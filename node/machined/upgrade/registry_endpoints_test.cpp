#include "node/machined/upgrade/registry_endpoints.h"

#include <gtest/gtest.h>

namespace bronze::machined {
namespace {

config::RegistriesConfig registries() {
  config::RegistriesConfig r;
  r.mirrors["registry.example.com"] = {{"https://mirror-a.local:5000", "http://mirror-b.local"}, false};
  r.mirrors["*"] = {{"https://cache.local"}, true};
  r.config["mirror-a.local:5000"] = {config::RegistryAuth{"puller", "pw"}, "CA PEM"};
  r.config["registry.example.com"] = {config::RegistryAuth{"admin", "pw2"}, ""};
  return r;
}

std::vector<std::string> urls(const std::vector<registry::Endpoint>& endpoints) {
  std::vector<std::string> out;
  for (const auto& e : endpoints) out.push_back(e.url);
  return out;
}

TEST(RegistryEndpoints, MirrorsInOrderThenTheRegistryEachWithItsOwnLoginAndCA) {
  auto endpoints = registry_endpoints(registry::parse_reference("registry.example.com/bronze/installer:v2"), registries(), false);
  ASSERT_EQ(urls(endpoints), (std::vector<std::string>{"https://mirror-a.local:5000", "http://mirror-b.local",
                                                         "https://registry.example.com"}));
  EXPECT_TRUE(endpoints[0].mirror);
  ASSERT_TRUE(endpoints[0].login);
  EXPECT_EQ(endpoints[0].login->username, "puller");
  EXPECT_EQ(endpoints[0].ca_pem, "CA PEM");
  EXPECT_FALSE(endpoints[1].login) << "mirror-b has no entry in machine.registries.config";
  EXPECT_FALSE(endpoints[2].mirror);
  ASSERT_TRUE(endpoints[2].login);
  EXPECT_EQ(endpoints[2].login->username, "admin");
}

TEST(RegistryEndpoints, TheStarMirrorServesOtherRegistriesAndSkipFallbackDropsTheRegistry) {
  auto endpoints = registry_endpoints(registry::parse_reference("other.example.com:5000/bronze/installer:v2"), registries(), false);
  EXPECT_EQ(urls(endpoints), (std::vector<std::string>{"https://cache.local"}));
}

TEST(RegistryEndpoints, WithoutMirrorsTheRegistryAloneOverTheSchemeAskedFor) {
  auto endpoints = registry_endpoints(registry::parse_reference("127.0.0.1:5000/bronze/installer:v2"), {}, true);
  EXPECT_EQ(urls(endpoints), (std::vector<std::string>{"http://127.0.0.1:5000"}));
  EXPECT_FALSE(endpoints[0].login);
}

}  // namespace
}  // namespace bronze::machined
