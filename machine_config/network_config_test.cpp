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

const char* kBondWithVlans =
    "    interfaces:\n"
    "      - interface: bond0\n"
    "        bond:\n"
    "          interfaces: [eth1, eth2]\n"
    "          mode: active-backup\n"
    "          miimon: 100\n"
    "          primary: eth2\n"
    "        mtu: 9000\n"
    "        vlans:\n"
    "          - vlanId: 42\n"
    "            addresses: [192.168.200.2/24]\n"
    "            routes: [{network: 10.42.0.0/16, gateway: 192.168.200.1}]\n"
    "          - {vlanId: 43, addresses: [192.168.201.2/24], mtu: 1500, dhcp: false}\n"
    "          - {vlanId: 44, dhcp: true}\n"
    "      - interface: bond1\n"
    "        bond: {interfaces: [eth3], mode: 802.3ad, lacpRate: fast, xmitHashPolicy: layer3+4}\n"
    "        addresses: [10.1.0.2/24]\n"
    "        dhcp: true\n";

TEST(NetworkConfig, ReadsBondsAndVlansAndWritesThemBackEqual) {
  auto config = parse_machine_config(with_network(kBondWithVlans), "node.yaml");
  const auto& interfaces = config.machine.network.interfaces;
  ASSERT_EQ(interfaces.size(), 2u);
  ASSERT_TRUE(interfaces[0].bond);
  EXPECT_EQ(interfaces[0].bond->interfaces, (std::vector<std::string>{"eth1", "eth2"}));
  EXPECT_EQ(interfaces[0].bond->mode, "active-backup");
  EXPECT_EQ(interfaces[0].bond->miimon, 100u);
  EXPECT_EQ(interfaces[0].bond->primary, "eth2");
  EXPECT_EQ(interfaces[0].mtu, 9000u);
  ASSERT_EQ(interfaces[0].vlans.size(), 3u);
  EXPECT_FALSE(interfaces[0].vlans[1].dhcp);
  EXPECT_TRUE(interfaces[0].vlans[2].dhcp);
  EXPECT_EQ(interfaces[0].vlans[0].vlan_id, 42);
  EXPECT_EQ(interfaces[0].vlans[0].addresses, (std::vector<std::string>{"192.168.200.2/24"}));
  EXPECT_EQ(interfaces[0].vlans[0].routes[0], (RouteConfig{"10.42.0.0/16", "192.168.200.1", 0}));
  EXPECT_EQ(interfaces[0].vlans[1].mtu, 1500u);
  EXPECT_EQ(vlan_link_name("bond0", 42), "bond0.42");
  ASSERT_TRUE(interfaces[1].bond);
  EXPECT_EQ(interfaces[1].bond->lacp_rate, "fast");
  EXPECT_EQ(interfaces[1].bond->xmit_hash_policy, "layer3+4");
  EXPECT_TRUE(interfaces[1].dhcp) << "a bond takes DHCP from the node's own client";
  EXPECT_EQ(parse_machine_config(to_yaml(config), "again.yaml"), config);
  // A bond without a mode is the kernel's default.
  auto plain = parse_machine_config(with_network("    interfaces:\n      - {interface: bond0, bond: {interfaces: [eth0]}}\n"),
                                    "node.yaml");
  EXPECT_EQ(plain.machine.network.interfaces[0].bond->mode, "balance-rr");
}

TEST(NetworkConfig, RefusesBondAndVlanMistakesWithTheirPlace) {
  std::string bond0 = "    interfaces:\n      - interface: bond0\n";
  expect_machine_config_error(with_network(bond0 + "        bond: {interfaces: []}\n"), "12:28",
                              "machine.network.interfaces[0].bond.interfaces", "expected a list of the interfaces");
  expect_machine_config_error(with_network(bond0 + "        bond: {interfaces: [eth0, eth0]}\n"), "12:35",
                              "machine.network.interfaces[0].bond.interfaces[1]", "eth0 is given twice");
  expect_machine_config_error(with_network(bond0 + "        bond: {interfaces: [bond0]}\n"), "12:29",
                              "machine.network.interfaces[0].bond.interfaces[0]", "a bond cannot be a member of itself");
  expect_machine_config_error(with_network(bond0 + "        bond: {interfaces: [eth0], mode: lacp}\n"), "12:42",
                              "machine.network.interfaces[0].bond.mode", "expected one of balance-rr, active-backup");
  expect_machine_config_error(with_network(bond0 + "        bond: {interfaces: [eth0], lacpRate: fast}\n"), "12:46",
                              "machine.network.interfaces[0].bond.lacpRate",
                              "lacpRate is for mode 802.3ad only, and this bond's mode is balance-rr");
  expect_machine_config_error(with_network(bond0 + "        bond: {interfaces: [eth0], mode: active-backup, primary: eth1}\n"),
                              "12:66", "machine.network.interfaces[0].bond.primary", "eth1 is not one of this bond's interfaces");
  expect_machine_config_error(with_network(bond0 + "        bond: {interfaces: [eth0], xmitHashPolicy: l4}\n"), "12:52",
                              "machine.network.interfaces[0].bond.xmitHashPolicy", "expected one of layer2, layer3+4");
  // A member configured on its own: its addresses belong on the bond.
  expect_machine_config_error(
      with_network(bond0 + "        bond: {interfaces: [eth0]}\n      - {interface: eth0, addresses: [10.0.2.50/24]}\n"), "13:9",
      "machine.network.interfaces[1].interface",
      "eth0 is a member of bond0, and a bond's member carries no configuration of its own: put its addresses, routes "
      "and VLANs on bond0 and remove this entry");
  expect_machine_config_error(
      with_network(bond0 + "        bond: {interfaces: [eth0]}\n      - {interface: bond1, bond: {interfaces: [eth0]}}\n"),
      "13:9", "machine.network.interfaces[1].bond.interfaces",
      "eth0 is already a member of bond0; an interface joins one bond at most");
  expect_machine_config_error(
      with_network(bond0 + "        bond: {interfaces: [eth0]}\n      - {interface: bond1, bond: {interfaces: [bond0]}}\n"),
      "11:9", "machine.network.interfaces[0].interface", "bond0 is a member of bond1, and bonds of bonds are not supported");

  std::string eth0 = "    interfaces:\n      - interface: eth0\n";
  expect_machine_config_error(with_network(eth0 + "        vlans: [{vlanId: 4095}]\n"), "12:26",
                              "machine.network.interfaces[0].vlans[0].vlanId", "expected a whole number from 1 to 4094, got '4095'");
  expect_machine_config_error(with_network(eth0 + "        vlans: [{vlanId: 7}, {vlanId: 7}]\n"), "12:30",
                              "machine.network.interfaces[0].vlans[1].vlanId", "VLAN 7 is given twice");
  expect_machine_config_error(with_network(eth0 + "        vlans: [{addresses: [10.0.0.1/24]}]\n"), "12:17",
                              "machine.network.interfaces[0].vlans[0].vlanId", "missing");
  expect_machine_config_error(with_network(eth0 + "        vlans: [{vlanId: 7, dhcp: 1}]\n"), "12:35",
                              "machine.network.interfaces[0].vlans[0].dhcp", "expected true or false");
  expect_machine_config_error(with_network(eth0 + "        vlans: [{vlanId: 7, id: 8}]\n"), "12:29",
                              "machine.network.interfaces[0].vlans[0].id",
                              "unknown field (expected one of: vlanId, addresses, routes, mtu, dhcp)");
  expect_machine_config_error(with_network("    interfaces:\n      - interface: enp129s0f1np1\n        vlans: [{vlanId: 100}]\n"),
                              "12:17", "machine.network.interfaces[0].vlans[0].vlanId",
                              "the VLAN's link enp129s0f1np1.100 would be longer than the 15 characters the kernel takes");
  expect_machine_config_error(with_network(eth0 + "        vlans: [{vlanId: 7}]\n      - {interface: eth0.7}\n"), "11:9",
                              "machine.network.interfaces[0].vlans",
                              "VLAN 7 makes the link eth0.7, which is also listed as an interface of its own");
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
