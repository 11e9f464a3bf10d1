// machine.network and machine.time: every field read, written back equal,
// and every mistake refused with its line, column and field.
#include "machine_config/network_config.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "machine_config/machine_config.h"
#include "tests/support/test_configs.h"

namespace bronze::config {
namespace {

using testing::expect_machine_config_error;
using testing::machine_config_error;
using testing::machine_yaml;
using testing::replace_line;

// The test config with `block` after its hostname (line 9): the block's
// first line is line 10.
std::string with_network(const std::string& block) {
  return replace_line(machine_yaml(), 9, "    hostname: node-1\n" + block);
}
// ... and with `block` as machine.time, from line 10.
std::string with_time(const std::string& block) { return replace_line(machine_yaml(), 9, "    hostname: node-1\n  time:\n" + block); }


const char* kFullNetwork =
    "    nameservers: [192.168.200.1, 'fd00::53']\n"
    "    searchDomains: [bronze.test]\n"
    "    interfaces:\n"
    "      - interface: eth0\n"
    "        addresses: [10.0.2.50/24, 'fd00::50/64']\n"
    "        routes:\n"
    "          - {network: 10.0.9.0/24, gateway: 10.0.2.2, metric: 100}\n"
    "          - {network: 0.0.0.0/0, gateway: 10.0.2.2}\n"
    "        mtu: 1400\n"
    "      - interface: eth1\n"
    "        dhcp: true\n";

TEST(NetworkConfig, ReadsEveryFieldAndWritesItBackEqual) {
  auto config = parse_machine_config(with_network(kFullNetwork) , "node.yaml");
  const auto& network = config.machine.network;
  EXPECT_EQ(network.hostname, "node-1");
  EXPECT_EQ(network.nameservers, (std::vector<std::string>{"192.168.200.1", "fd00::53"}));
  EXPECT_EQ(network.search_domains, (std::vector<std::string>{"bronze.test"}));
  ASSERT_EQ(network.interfaces.size(), 2u);
  const auto& eth0 = network.interfaces[0];
  EXPECT_EQ(eth0.interface, "eth0");
  EXPECT_FALSE(eth0.dhcp) << "a listed interface has no DHCP unless it asks, as in Talos";
  EXPECT_EQ(eth0.addresses, (std::vector<std::string>{"10.0.2.50/24", "fd00::50/64"}));
  ASSERT_EQ(eth0.routes.size(), 2u);
  EXPECT_EQ(eth0.routes[0], (RouteConfig{"10.0.9.0/24", "10.0.2.2", 100}));
  EXPECT_EQ(eth0.routes[1], (RouteConfig{"0.0.0.0/0", "10.0.2.2", 0}));
  EXPECT_EQ(eth0.mtu, 1400u);
  EXPECT_TRUE(network.interfaces[1].dhcp);
  EXPECT_EQ(parse_machine_config(to_yaml(config), "again.yaml"), config);
}

TEST(NetworkConfig, ReadsTimeAndWritesItBackEqual) {
  auto config = parse_machine_config(with_time("    servers: [192.168.200.1, time.example.com]\n    bootTimeout: 1m30s\n"),
                                     "node.yaml");
  EXPECT_EQ(config.machine.time.servers, (std::vector<std::string>{"192.168.200.1", "time.example.com"}));
  EXPECT_EQ(config.machine.time.boot_timeout_seconds, 90);
  EXPECT_FALSE(config.machine.time.disabled);
  EXPECT_EQ(parse_machine_config(to_yaml(config), "again.yaml"), config);
  auto off = parse_machine_config(with_time("    disabled: true\n"), "node.yaml");
  EXPECT_TRUE(off.machine.time.disabled);
  EXPECT_EQ(parse_machine_config(to_yaml(off), "again.yaml"), off);
}

TEST(NetworkConfig, RefusesEachMistakeWithItsPlace) {
  std::string eth0 = "    interfaces:\n      - interface: eth0\n";
  expect_machine_config_error(with_network(eth0 + "        addresses: [10.0.2.50]\n"), "12:21", "machine.network.interfaces[0].addresses[0]",
               "expected an address with its prefix length, such as 10.0.2.50/24, got '10.0.2.50'");
  expect_machine_config_error(with_network(eth0 + "        addresses: [10.0.2.50/24, 10.0.2.50/24]\n"), "12:35",
               "machine.network.interfaces[0].addresses[1]", "10.0.2.50/24 is given twice");
  expect_machine_config_error(with_network(eth0 + "        routes: [{network: 10.0.9.1/24}]\n"), "12:28",
               "machine.network.interfaces[0].routes[0].network", "10.0.9.1/24 has host bits set; the network is 10.0.9.0/24");
  expect_machine_config_error(with_network(eth0 + "        routes: [{network: 10.0.9.0/24, gateway: 'fd00::1'}]\n"), "12:50",
               "machine.network.interfaces[0].routes[0].gateway", "not of the same IP version");
  expect_machine_config_error(with_network(eth0 + "        routes: [{network: 10.0.9.0/24, via: 10.0.2.2}]\n"), "12:41",
               "machine.network.interfaces[0].routes[0].via", "unknown field (expected one of: network, gateway, metric)");
  expect_machine_config_error(with_network(eth0 + "        mtu: 20\n"), "12:14", "machine.network.interfaces[0].mtu",
               "expected a whole number from 68 to 9216, got '20'");
  expect_machine_config_error(with_network(eth0 + "        dhcp: \"no\"\n"), "12:15", "machine.network.interfaces[0].dhcp",
               "expected true or false, got the string \"no\"");
  expect_machine_config_error(with_network(eth0 + "      - interface: eth0\n"), "12:9", "machine.network.interfaces[1].interface",
               "eth0 is configured twice");
  expect_machine_config_error(with_network("    interfaces:\n      - interface: 'eth 0'\n"), "11:20", "machine.network.interfaces[0].interface",
               "expected an interface name such as eth0");
  expect_machine_config_error(with_network("    interfaces:\n      - {dhcp: true}\n"), "11:9", "machine.network.interfaces[0].interface",
               "missing");
  expect_machine_config_error(with_network("    nameservers: [1.1.1.1, 8.8.8.8, 9.9.9.9, 1.0.0.1]\n"), "10:18", "machine.network.nameservers",
               "at most 3 nameservers (the resolver reads no more), got 4");
  expect_machine_config_error(with_network("    nameservers: [dns.example]\n"), "10:19", "machine.network.nameservers[0]",
               "expected an IP address, got 'dns.example'");
  expect_machine_config_error(with_network("    searchDomains: ['-bad-']\n"), "10:21", "machine.network.searchDomains[0]",
               "expected a DNS name");
  expect_machine_config_error(with_network("    routes: []\n"), "10:5", "machine.network.routes",
               "unknown field (expected one of: hostname, nameservers, searchDomains, interfaces)");
  expect_machine_config_error(with_time("    bootTimeout: soon\n"), "11:18", "machine.time.bootTimeout",
               "expected a duration from 0s to 1h, such as 30s or 2m, got 'soon'");
  expect_machine_config_error(with_time("    bootTimeout: 2h\n"), "11:18", "machine.time.bootTimeout", "got '2h'");
  expect_machine_config_error(with_time("    servers: ['time server']\n"), "11:15", "machine.time.servers[0]",
               "expected an NTP server's name or address");
  expect_machine_config_error(with_time("    enabled: true\n"), "11:5", "machine.time.enabled", "unknown field");
}

TEST(NetworkConfig, DurationsAreGoDurations) {
  EXPECT_EQ(parse_duration_seconds("30s"), 30);
  EXPECT_EQ(parse_duration_seconds("2m"), 120);
  EXPECT_EQ(parse_duration_seconds("1m30s"), 90);
  EXPECT_EQ(parse_duration_seconds("1h"), 3600);
  EXPECT_EQ(parse_duration_seconds("0s"), 0);
  for (const char* bad : {"", "30", "s", "1s1m", "1m1m", "1.5s", "-1s", "1d", "1h2", "99999999999999999s"}) {
    EXPECT_FALSE(parse_duration_seconds(bad)) << bad;
  }
}

}  // namespace
}  // namespace bronze::config
