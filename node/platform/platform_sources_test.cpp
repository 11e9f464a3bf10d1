// Every platform source against a loopback stand-in of its platform's
// documented metadata API (tests/support/metadata_standin.h), through the
// node's own libcurl environment with the documented URLs sent to the
// stand-in; the retries with their backoff; and each way a fetch fails.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "base/base64.h"
#include "base/error.h"
#include "base/files.h"
#include "node/platform/aws/aws_source.h"
#include "node/platform/azure/azure_source.h"
#include "node/platform/config_url/config_url_source.h"
#include "node/platform/digitalocean/digitalocean_source.h"
#include "node/platform/digitalocean/digitalocean_network.h"
#include "node/platform/equinix/equinix_network.h"
#include "node/platform/equinix/equinix_source.h"
#include "node/platform/fetch.h"
#include "node/platform/gcp/gcp_source.h"
#include "node/platform/hcloud/hcloud_source.h"
#include "node/platform/node_environment.h"
#include "node/platform/nocloud/nocloud_source.h"
#include "node/platform/cloud_init_network.h"
#include "node/platform/openstack/network_data.h"
#include "node/platform/openstack/openstack_source.h"
#include "node/platform/vmware/vmware_source.h"
#include "node/platform/xml_document.h"
#include "tests/support/metadata_standin.h"

namespace bronze::platform {
namespace {

using test::HttpReply;
using test::HttpRequest;
using test::LoopbackHttpServer;
using test::MetadataStandIn;

const char* kConfig = "version: v1alpha1\nmachine:\n  type: worker\n";

// The node's environment, with the platforms' documented hosts sent to a
// loopback server, and volumes from a map.
class TestEnvironment : public NodeEnvironment {
 public:
  explicit TestEnvironment(std::string address, long timeout_seconds = 5)
      : NodeEnvironment([this](const std::string& line) { lines.push_back(line); }, timeout_seconds),
        address_(std::move(address)) {}

  HttpAnswer http(const std::string& method, const std::string& url, const std::map<std::string, std::string>& headers,
                  const std::string& body) override {
    std::string rebased = url;
    for (std::string host : {"http://169.254.169.254", "https://metadata.platformequinix.com", "http://168.63.129.16"}) {
      if (rebased.rfind(host, 0) == 0) rebased = "http://" + address_ + rebased.substr(host.size());
    }
    return NodeEnvironment::http(method, rebased, headers, body);
  }
  std::optional<std::string> read_volume_file(const std::vector<std::string>& labels, const std::string& path) override {
    for (const auto& label : labels) {
      auto it = volumes.find(label + "/" + path);
      if (it != volumes.end()) return it->second;
    }
    return std::nullopt;
  }

  std::optional<std::string> read_media_file(const std::string& path) override {
    auto it = volumes.find("media/" + path);
    if (it != volumes.end()) return it->second;
    return std::nullopt;
  }

  std::string interface_with_mac(const std::string& mac) override {
    auto it = nics.find(mac);
    return it == nics.end() ? "" : it->second;
  }

  // "config-2/openstack/latest/user_data" -> content; "media/ovf-env.xml"
  // for a file on any CD.
  std::map<std::string, std::string> volumes;
  std::map<std::string, std::string> nics;  // MAC -> the NIC's name
  std::vector<std::string> lines;

 private:
  std::string address_;
};

struct StandIn {
  explicit StandIn(MetadataStandIn s)
      : standin(std::move(s)), server([this](const HttpRequest& r) { return test::answer_metadata(standin, r); }) {}
  MetadataStandIn standin;
  LoopbackHttpServer server;
};

TEST(AwsSource, TakesAnImdsV2TokenThenReadsUserDataAndHostname) {
  StandIn imds({"aws", {{"/latest/user-data", kConfig}, {"/latest/meta-data/local-hostname", "ip-10-0-0-7"}}});
  TestEnvironment env(imds.server.address());
  PlatformConfig c = AwsSource().fetch(env);
  EXPECT_EQ(c.user_data, kConfig);
  EXPECT_EQ(c.hostname, "ip-10-0-0-7");
  auto requests = imds.server.requests();
  ASSERT_GE(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].target, "/latest/api/token");
  EXPECT_EQ(requests[0].header("x-aws-ec2-metadata-token-ttl-seconds"), "21600");
  for (size_t i = 1; i < requests.size(); ++i) {
    EXPECT_EQ(requests[i].header("x-aws-ec2-metadata-token"), imds.standin.imds_token) << requests[i].target;
  }
}

TEST(AwsSource, TheStandInRefusesAGetWithoutAToken) {
  // The stand-in keeps IMDSv2's rule, so the test above proves the source
  // sends the token.
  StandIn imds({"aws", {{"/latest/user-data", kConfig}}});
  TestEnvironment env(imds.server.address());
  EXPECT_EQ(env.http("GET", "http://169.254.169.254/latest/user-data", {}, {}).status, 401);
  EXPECT_EQ(env.http("PUT", "http://169.254.169.254/latest/api/token", {}, {}).status, 400);
}

TEST(AwsSource, NoUserDataIsNotAvailable) {
  StandIn imds({"aws", {}});
  TestEnvironment env(imds.server.address());
  EXPECT_THROW(AwsSource().fetch(env), NotAvailable);
}

TEST(GcpSource, SendsMetadataFlavorAndReadsTheUserDataAttribute) {
  StandIn server({"gcp",
                  {{"/computeMetadata/v1/instance/attributes/user-data", kConfig},
                   {"/computeMetadata/v1/instance/hostname", "node-1.c.project.internal"}}});
  TestEnvironment env(server.server.address());
  PlatformConfig c = GcpSource().fetch(env);
  EXPECT_EQ(c.user_data, kConfig);
  EXPECT_EQ(c.hostname, "node-1.c.project.internal");
  for (const auto& r : server.server.requests()) EXPECT_EQ(r.header("metadata-flavor"), "Google") << r.target;
  EXPECT_EQ(env.http("GET", "http://169.254.169.254/computeMetadata/v1/instance/hostname", {}, {}).status, 403);
}

TEST(OpenStackSource, TheConfigDriveComesFirstAndNeedsNoNetwork) {
  StandIn server({"openstack", {{"/openstack/latest/user_data", "from the metadata service"}}});
  TestEnvironment env(server.server.address());
  env.volumes["config-2/openstack/latest/user_data"] = kConfig;
  env.volumes["config-2/openstack/latest/meta_data.json"] = R"({"hostname": "os-node", "uuid": "x"})";
  env.volumes["config-2/openstack/latest/network_data.json"] =
      R"({"links": [], "networks": [], "services": [{"type": "dns", "address": "10.0.0.2"}]})";
  PlatformConfig c = OpenStackSource().fetch(env);
  EXPECT_EQ(c.user_data, kConfig);
  EXPECT_EQ(c.hostname, "os-node");
  auto network = OpenStackSource().network(env);
  ASSERT_TRUE(network);
  EXPECT_EQ(network->dns_servers, std::vector<std::string>{"10.0.0.2"});
  EXPECT_EQ(network->hostname, "os-node");
  EXPECT_EQ(network->source, "the config drive's network_data.json");
  EXPECT_TRUE(server.server.requests().empty());
}

TEST(OpenStackSource, WithoutADriveAsksTheMetadataService) {
  StandIn server({"openstack",
                  {{"/openstack/latest/user_data", kConfig},
                   {"/openstack/latest/meta_data.json", R"({"hostname": "os-node"})"},
                   {"/openstack/latest/network_data.json", R"({"services": [{"type": "dns", "address": "10.0.0.3"}]})"}}});
  TestEnvironment env(server.server.address());
  PlatformConfig c = OpenStackSource().fetch(env);
  EXPECT_EQ(c.user_data, kConfig);
  EXPECT_EQ(c.hostname, "os-node");
  auto network = OpenStackSource().network(env);
  ASSERT_TRUE(network);
  EXPECT_EQ(network->dns_servers, std::vector<std::string>{"10.0.0.3"});
  EXPECT_EQ(network->source, "the metadata service's network_data.json");
}

// network_data.json shaped as Nova writes it: two NICs bonded with a VLAN on
// the bond, a third NIC with a static address and a default route, a fourth
// on DHCP, one whose NIC this machine lacks, and IPv6 both ways.
const char* kNetworkData = R"({
  "links": [
    {"id": "tap-a", "type": "phy", "ethernet_mac_address": "FA:16:3E:00:00:0A", "mtu": 9000},
    {"id": "tap-b", "type": "phy", "ethernet_mac_address": "fa:16:3e:00:00:0b", "mtu": 9000},
    {"id": "bond0", "type": "bond", "bond_links": ["tap-a", "tap-b"], "bond_mode": "802.3ad", "bond_miimon": 100,
     "ethernet_mac_address": "fa:16:3e:00:00:0a"},
    {"id": "vlan101", "type": "vlan", "vlan_link": "bond0", "vlan_id": 101, "vlan_mac_address": "fa:16:3e:00:00:0a"},
    {"id": "tap-c", "type": "ovs", "ethernet_mac_address": "fa:16:3e:00:00:0c", "mtu": null},
    {"id": "tap-d", "type": "vif", "ethernet_mac_address": "fa:16:3e:00:00:0d"},
    {"id": "tap-gone", "type": "phy", "ethernet_mac_address": "fa:16:3e:00:00:ff"}
  ],
  "networks": [
    {"id": "network0", "type": "ipv4", "link": "tap-c", "ip_address": "10.0.2.60", "netmask": "255.255.255.0",
     "routes": [{"network": "0.0.0.0", "netmask": "0.0.0.0", "gateway": "10.0.2.2"}], "network_id": "n0"},
    {"id": "network1", "type": "ipv6", "link": "tap-c", "ip_address": "2001:db8::60", "netmask": "ffff:ffff:ffff:ffff::",
     "routes": [{"network": "::", "netmask": "::", "gateway": "2001:db8::1"}]},
    {"id": "network2", "type": "ipv4", "link": "vlan101", "ip_address": "192.168.101.5", "netmask": "255.255.255.0",
     "routes": [{"network": "192.168.0.0", "netmask": "255.255.0.0", "gateway": "192.168.101.1"}]},
    {"id": "network3", "type": "ipv4_dhcp", "link": "tap-d"},
    {"id": "network4", "type": "ipv6_slaac", "link": "tap-d"},
    {"id": "network5", "type": "ipv4", "link": "tap-gone", "ip_address": "10.9.9.9", "netmask": "255.0.0.0"}
  ],
  "services": [{"type": "dns", "address": "10.0.2.3"}, {"type": "dns", "address": "2001:db8::53"}]
})";

TEST(OpenStackNetworkData, NicsBondsVlansAddressesAndRoutesByMac) {
  std::map<std::string, std::string> nics = {{"fa:16:3e:00:00:0a", "eth0"}, {"fa:16:3e:00:00:0b", "eth1"},
                                             {"fa:16:3e:00:00:0c", "eth2"}, {"fa:16:3e:00:00:0d", "eth3"}};
  auto network = read_network_data(kNetworkData, [&nics](const std::string& mac) {
    std::string lower = mac;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return nics.count(lower) ? nics.at(lower) : std::string();
  });
  ASSERT_EQ(network.interfaces.size(), 3u);
  const auto& bond = network.interfaces[0];
  EXPECT_EQ(bond.interface, "bond0");
  ASSERT_TRUE(bond.bond);
  EXPECT_EQ(bond.bond->interfaces, (std::vector<std::string>{"eth0", "eth1"}));
  EXPECT_EQ(bond.bond->mode, "802.3ad");
  EXPECT_EQ(bond.bond->miimon, 100u);
  ASSERT_EQ(bond.vlans.size(), 1u);
  EXPECT_EQ(bond.vlans[0].vlan_id, 101);
  EXPECT_EQ(bond.vlans[0].addresses, std::vector<std::string>{"192.168.101.5/24"});
  EXPECT_EQ(bond.vlans[0].routes, (std::vector<config::RouteConfig>{{"192.168.0.0/16", "192.168.101.1", 0}}));
  const auto& eth2 = network.interfaces[1];
  EXPECT_EQ(eth2.interface, "eth2");
  EXPECT_FALSE(eth2.dhcp);
  EXPECT_EQ(eth2.addresses, (std::vector<std::string>{"10.0.2.60/24", "2001:db8::60/64"}));
  EXPECT_EQ(eth2.routes, (std::vector<config::RouteConfig>{{"0.0.0.0/0", "10.0.2.2", 0}, {"::/0", "2001:db8::1", 0}}));
  EXPECT_EQ(network.interfaces[2].interface, "eth3");
  EXPECT_TRUE(network.interfaces[2].dhcp);
  EXPECT_EQ(network.dns_servers, (std::vector<std::string>{"10.0.2.3", "2001:db8::53"}));
  ASSERT_EQ(network.skipped.size(), 2u);
  EXPECT_EQ(network.skipped[0], "link tap-gone: no NIC with the MAC address fa:16:3e:00:00:ff on this machine");
  EXPECT_EQ(network.skipped[1], "network networks[5] (ipv4): its link tap-gone is not configured here");
}

TEST(OpenStackNetworkData, RefusesWhatNovaWouldNotWrite) {
  auto any_nic = [](const std::string&) { return std::string("eth0"); };
  auto refused = [&](const std::string& json) {
    try {
      read_network_data(json, any_nic);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(refused("[]"), "OpenStack's network_data.json is not a JSON object");
  EXPECT_EQ(refused(R"({"links": {}})"), "OpenStack's network_data.json: links: expected a list");
  const std::string nic = R"({"id": "t", "type": "phy", "ethernet_mac_address": "fa:16:3e:00:00:01"})";
  EXPECT_EQ(refused(R"({"links": [)" + nic + R"(], "networks": [{"link": "t", "type": "ipv4", "ip_address": "10.0.0.5", "netmask": "255.0.255.0"}]})"),
            "OpenStack's network_data.json: networks[0].netmask: 255.0.255.0 is not a contiguous netmask");
  EXPECT_EQ(refused(R"({"links": [)" + nic + R"(], "networks": [{"link": "t", "type": "ipv4", "ip_address": "10.0.0.500", "netmask": "255.0.0.0"}]})"),
            "OpenStack's network_data.json: networks[0]: expected an IP address, got '10.0.0.500'");
  EXPECT_EQ(refused(R"({"links": [)" + nic + R"(], "networks": [{"link": "t", "type": "ipv4", "ip_address": "10.0.0.5"}]})"),
            "OpenStack's network_data.json: networks[0]: the address 10.0.0.5 has no netmask");
  EXPECT_EQ(refused(R"({"links": [)" + nic + R"(], "networks": [{"link": "t", "type": "ipv4", "ip_address": "10.0.0.5", "netmask": "255.0.0.0",
                    "routes": [{"network": "0.0.0.0", "netmask": "0.0.0.0", "gateway": "fd00::1"}]}]})"),
            "OpenStack's network_data.json: networks[0].routes[0].gateway: expected an address of the route's IP version, got 'fd00::1'");
  EXPECT_EQ(refused(R"({"links": [{"id": "b", "type": "bond", "bond_links": ["nope"]}]})"),
            "OpenStack's network_data.json: links[0].bond_links: 'nope' is not a NIC of this document");
  EXPECT_EQ(refused(R"({"links": [)" + nic + R"(, {"id": "b", "type": "bond", "bond_links": ["t"], "bond_mode": "lacp"}]})"),
            "OpenStack's network_data.json: links[1].bond_mode: not a bond mode the kernel has: 'lacp'");
  EXPECT_EQ(refused(R"({"links": [{"id": "v", "type": "vlan", "vlan_link": "t", "vlan_id": 4095}]})"),
            "OpenStack's network_data.json: links[0].vlan_id: expected a number from 1 to 4094");
  EXPECT_EQ(refused(R"({"links": [)" + nic + "," + nic + "]}"), "OpenStack's network_data.json: links[1]: the id t is given twice");
  EXPECT_EQ(refused(R"({"services": [{"type": "dns", "address": "dns.example"}]})"),
            "OpenStack's network_data.json: services: a DNS server that is not an IP address: 'dns.example'");
}

TEST(OpenStackSource, NoNetworkDataIsDhcpAlone) {
  StandIn server({"openstack", {{"/openstack/latest/user_data", kConfig}}});
  TestEnvironment env(server.server.address());
  EXPECT_FALSE(OpenStackSource().network(env)) << "a 404 for network_data.json: the kernel's DHCP is the network";
}

TEST(OpenStackSource, MetaDataThatIsNotJsonIsAnError) {
  StandIn server({"openstack",
                  {{"/openstack/latest/user_data", kConfig}, {"/openstack/latest/meta_data.json", "<html>"}}});
  TestEnvironment env(server.server.address());
  try {
    OpenStackSource().fetch(env);
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("meta_data.json is not a JSON object"), std::string::npos) << e.what();
  }
}

TEST(DigitalOceanSource, ReadsUserDataHostnameAndResolvers) {
  StandIn server({"digitalocean",
                  {{"/metadata/v1/user-data", kConfig},
                   {"/metadata/v1/hostname", "droplet-1"},
                   {"/metadata/v1/dns/nameservers", "67.207.67.2\n67.207.67.3\n"}}});
  TestEnvironment env(server.server.address());
  PlatformConfig c = DigitalOceanSource().fetch(env);
  EXPECT_EQ(c.user_data, kConfig);
  EXPECT_EQ(c.hostname, "droplet-1");
  EXPECT_EQ(c.dns_servers, (std::vector<std::string>{"67.207.67.2", "67.207.67.3"}));
}

TEST(HcloudSource, ReadsUserDataAndHostname) {
  StandIn server({"hcloud", {{"/hetzner/v1/userdata", kConfig}, {"/hetzner/v1/metadata/hostname", "hc-1"}}});
  TestEnvironment env(server.server.address());
  PlatformConfig c = HcloudSource().fetch(env);
  EXPECT_EQ(c.user_data, kConfig);
  EXPECT_EQ(c.hostname, "hc-1");
}

// Hetzner's /hetzner/v1/metadata as its servers answer it: IPv4 by DHCP,
// the public IPv6 /64 static with fe80::1 as the gateway, a private
// network's NIC on DHCP too.
const char* kHetznerMetadata = R"(availability-zone: fsn1-dc14
hostname: hc-1
instance-id: 42
local-ipv4: ''
network-config:
  config:
  - mac_address: 96:00:00:2b:2a:ff
    name: eth0
    subnets:
    - dns_nameservers:
      - 185.12.64.1
      - 185.12.64.2
      ipv4: true
      type: dhcp
    - address: 2a01:4f8:c17:1a5::1/64
      dns_nameservers:
      - 2a01:4ff:ff00::add:2
      gateway: fe80::1
      ipv6: true
      type: static
    type: physical
  - mac_address: 86:00:00:2b:2b:00
    name: eth1
    subnets:
    - {type: dhcp}
    type: physical
  version: 1
public-ipv4: 203.0.113.7
public-keys: []
region: eu-central
)";

TEST(HcloudSource, TheNetworkConfigGivesTheIpv6AddressAndItsGateway) {
  StandIn server({"hcloud", {{"/hetzner/v1/metadata", kHetznerMetadata}}});
  TestEnvironment env(server.server.address());
  env.nics = {{"96:00:00:2b:2a:ff", "eth0"}};
  auto network = HcloudSource().network(env);
  ASSERT_TRUE(network);
  EXPECT_EQ(network->source, "the server's hetzner/v1/metadata");
  EXPECT_EQ(network->hostname, "hc-1");
  ASSERT_EQ(network->interfaces.size(), 1u);
  EXPECT_EQ(network->interfaces[0].interface, "eth0");
  EXPECT_TRUE(network->interfaces[0].dhcp);
  EXPECT_EQ(network->interfaces[0].addresses, std::vector<std::string>{"2a01:4f8:c17:1a5::1/64"});
  EXPECT_EQ(network->interfaces[0].routes, (std::vector<config::RouteConfig>{{"::/0", "fe80::1", 0}}));
  EXPECT_EQ(network->dns_servers, (std::vector<std::string>{"185.12.64.1", "185.12.64.2", "2a01:4ff:ff00::add:2"}));
  ASSERT_EQ(env.lines.size(), 1u);
  EXPECT_EQ(env.lines[0], "platform: hcloud: network-config: left out config[1] (eth1): no NIC with the MAC address "
                          "86:00:00:2b:2b:00 on this machine");
}

TEST(NoCloudSource, ReadsTheNetworkConfigFromTheVolume) {
  TestEnvironment env("127.0.0.1:9");
  EXPECT_FALSE(NoCloudSource().network(env)) << "no network-config: DHCP alone";
  env.volumes["cidata/network-config"] =
      "network:\n  version: 1\n  config:\n"
      "    - {type: physical, name: eth0, mtu: 9000, subnets: [{type: static, address: 192.168.1.10, netmask: 255.255.255.0,\n"
      "       gateway: 192.168.1.1, routes: [{network: 10.0.0.0, netmask: '8', gateway: 192.168.1.254}]}]}\n"
      "    - {type: bond, name: bond0}\n"
      "    - {type: nameserver, address: [192.168.1.53], search: [lan]}\n";
  env.volumes["cidata/meta-data"] = "local-hostname: nc-1\n";
  auto network = NoCloudSource().network(env);
  ASSERT_TRUE(network);
  EXPECT_EQ(network->hostname, "nc-1");
  ASSERT_EQ(network->interfaces.size(), 1u);
  EXPECT_EQ(network->interfaces[0].interface, "eth0");
  EXPECT_FALSE(network->interfaces[0].dhcp);
  EXPECT_EQ(network->interfaces[0].mtu, 9000u);
  EXPECT_EQ(network->interfaces[0].addresses, std::vector<std::string>{"192.168.1.10/24"});
  EXPECT_EQ(network->interfaces[0].routes,
            (std::vector<config::RouteConfig>{{"0.0.0.0/0", "192.168.1.1", 0}, {"10.0.0.0/8", "192.168.1.254", 0}}));
  EXPECT_EQ(network->dns_servers, std::vector<std::string>{"192.168.1.53"});
  EXPECT_NE(std::find(env.lines.begin(), env.lines.end(),
                      "platform: nocloud: network-config: left out config[1] (bond bond0): only physical interfaces are "
                      "read from here"),
            env.lines.end());
}

// Version 2, as netplan writes it for a bonded server with a VLAN.
TEST(CloudInitNetwork, Version2EthernetsBondsAndVlans) {
  const char* yaml = R"(version: 2
ethernets:
  nic0: {match: {macaddress: "3c:ec:ef:00:00:01"}, set-name: eno1}
  nic1: {match: {macaddress: "3c:ec:ef:00:00:02"}, set-name: eno2}
  eth9: {dhcp4: true}
  ghost: {match: {macaddress: "3c:ec:ef:00:00:ff"}}
bonds:
  bond0:
    interfaces: [nic0, nic1]
    parameters: {mode: 802.3ad, lacp-rate: fast, mii-monitor-interval: 100, transmit-hash-policy: layer3+4}
    addresses: [192.0.2.10/24, "2001:db8::10/64"]
    gateway4: 192.0.2.1
    routes: [{to: 10.0.0.0/8, via: 192.0.2.254, metric: 50}, {to: default, via: "2001:db8::1"}]
    nameservers: {addresses: [192.0.2.53], search: [example.com]}
    mtu: 9000
vlans:
  storage: {id: 20, link: bond0, addresses: [198.51.100.10/24]}
  mgmt: {id: 30, link: bond0, dhcp4: true}
)";
  auto network = read_cloud_init_network(YAML::Load(yaml), "network-config", [](const std::string& mac) {
    return mac == "3c:ec:ef:00:00:01" ? std::string("enp1s0f0") : mac == "3c:ec:ef:00:00:02" ? std::string("enp1s0f1") : std::string();
  });
  ASSERT_EQ(network.interfaces.size(), 2u);
  EXPECT_EQ(network.interfaces[0].interface, "eth9");
  EXPECT_TRUE(network.interfaces[0].dhcp);
  const auto& bond = network.interfaces[1];
  EXPECT_EQ(bond.interface, "bond0");
  ASSERT_TRUE(bond.bond);
  EXPECT_EQ(bond.bond->interfaces, (std::vector<std::string>{"enp1s0f0", "enp1s0f1"}));
  EXPECT_EQ(bond.bond->mode, "802.3ad");
  EXPECT_EQ(bond.bond->lacp_rate, "fast");
  EXPECT_EQ(bond.bond->miimon, 100u);
  EXPECT_EQ(bond.bond->xmit_hash_policy, "layer3+4");
  EXPECT_EQ(bond.addresses, (std::vector<std::string>{"192.0.2.10/24", "2001:db8::10/64"}));
  EXPECT_EQ(bond.routes, (std::vector<config::RouteConfig>{{"0.0.0.0/0", "192.0.2.1", 0},
                                                          {"10.0.0.0/8", "192.0.2.254", 50},
                                                          {"::/0", "2001:db8::1", 0}}));
  EXPECT_EQ(bond.mtu, 9000u);
  ASSERT_EQ(bond.vlans.size(), 2u);
  EXPECT_EQ(bond.vlans[0].vlan_id, 20);
  EXPECT_EQ(bond.vlans[0].addresses, std::vector<std::string>{"198.51.100.10/24"});
  EXPECT_EQ(bond.vlans[1].vlan_id, 30);
  EXPECT_TRUE(bond.vlans[1].dhcp);
  EXPECT_EQ(network.dns_servers, std::vector<std::string>{"192.0.2.53"});
  ASSERT_EQ(network.skipped.size(), 1u);
  EXPECT_EQ(network.skipped[0], "ethernets.ghost: no NIC with the MAC address 3c:ec:ef:00:00:ff on this machine");
}

TEST(CloudInitNetwork, RefusesWhatCloudInitWouldNotTake) {
  auto refused = [](const std::string& yaml) {
    try {
      read_cloud_init_network(YAML::Load(yaml), "network-config", [](const std::string&) { return std::string("eth0"); });
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(refused("version: 3\n"), "network-config: version: expected version 1 or 2, got '3'");
  EXPECT_EQ(refused("version: 2\nethernets: {eth0: {addresses: [10.0.0.5]}}\n"),
            "network-config: ethernets.eth0.addresses: the address 10.0.0.5 has no prefix length or netmask");
  EXPECT_EQ(refused("version: 2\nbonds: {bond0: {interfaces: [eth0], parameters: {mode: lacp}}}\nethernets: {eth0: {}}\n"),
            "network-config: bonds.bond0.parameters.mode: not a bond mode: 'lacp'");
  EXPECT_EQ(refused("version: 2\nethernets: {eth0: {}}\nvlans: {v: {id: 5000, link: eth0}}\n"),
            "network-config: vlans.v.id: expected a VLAN id from 1 to 4094");
  EXPECT_EQ(refused("version: 2\nethernets: {eth0: {dhcp4: maybe}}\n"),
            "network-config: ethernets.eth0.dhcp4: expected true or false, got 'maybe'");
  EXPECT_EQ(refused("version: 1\nconfig: {}\n"), "network-config: config: expected a list");
  EXPECT_EQ(refused("version: 1\nconfig: [{type: physical, name: 'eth 0'}]\n"),
            "network-config: config[0].name: expected an interface name such as eth0, got 'eth 0'");
  EXPECT_EQ(refused("version: 1\nconfig: [{type: physical, name: eth0, subnets: [{type: static, address: 10.0.0.5}]}]\n"),
            "network-config: config[0].subnets[0]: the address 10.0.0.5 has no prefix length or netmask");
  EXPECT_EQ(refused("version: 1\nconfig: [{type: physical, name: eth0, subnets: [{type: static, address: 10.0.0.5/24, "
                    "gateway: 'fe80::1'}]}]\n"),
            "network-config: config[0].subnets[0].gateway: not of the route's IP version: fe80::1");
  EXPECT_EQ(refused("version: 1\nconfig: [{type: physical, name: eth0, mtu: 20}]\n"),
            "network-config: config[0].mtu: expected a number from 68 to 9216");
  EXPECT_EQ(refused("version: 1\nconfig: [{type: physical, name: eth0}, {type: physical, name: eth0}]\n"),
            "network-config: config[1]: eth0 is configured twice");
  EXPECT_EQ(refused("version: 1\nconfig: [{type: nameserver, address: [dns.example]}]\n"),
            "network-config: config[0].address: expected an IP address, got 'dns.example'");
  EXPECT_EQ(refused("[]"), "network-config is not a map with version and config");
}

// metadata/v1.json as DigitalOcean's droplets have it (a public interface
// with IPv4, IPv6 and the anchor address; a private one).
const char* kDigitalOceanMetadata = R"({
  "droplet_id": 2756294, "hostname": "do-1", "region": "nyc3",
  "interfaces": {
    "public": [{"mac": "04:01:2a:0f:2a:01", "type": "public",
                "ipv4": {"ip_address": "104.131.20.105", "netmask": "255.255.192.0", "gateway": "104.131.0.1"},
                "ipv6": {"ip_address": "2604:A880:0800:0010:0000:0000:017D:2001", "cidr": 64,
                         "gateway": "2604:A880:0800:0010:0000:0000:0000:0001"},
                "anchor_ipv4": {"ip_address": "10.17.0.5", "netmask": "255.255.0.0", "gateway": "10.17.0.1"}}],
    "private": [{"mac": "04:01:2a:0f:2a:02", "type": "private",
                 "ipv4": {"ip_address": "10.132.255.113", "netmask": "255.255.0.0", "gateway": "10.132.0.1"}}]
  },
  "floating_ip": {"ipv4": {"active": false}},
  "dns": {"nameservers": ["2001:4860:4860::8844", "8.8.8.8"]},
  "features": {"dhcp_enabled": false}
})";

TEST(DigitalOceanSource, StaticAddressesAndGatewaysFromTheMetadata) {
  StandIn server({"digitalocean", {{"/metadata/v1.json", kDigitalOceanMetadata}}});
  TestEnvironment env(server.server.address());
  env.nics = {{"04:01:2a:0f:2a:01", "eth0"}, {"04:01:2a:0f:2a:02", "eth1"}};
  auto network = DigitalOceanSource().network(env);
  ASSERT_TRUE(network);
  EXPECT_EQ(network->hostname, "do-1");
  EXPECT_EQ(network->dns_servers, (std::vector<std::string>{"2001:4860:4860::8844", "8.8.8.8"}));
  ASSERT_EQ(network->interfaces.size(), 2u);
  const auto& eth0 = network->interfaces[0];
  EXPECT_EQ(eth0.interface, "eth0");
  EXPECT_FALSE(eth0.dhcp);
  EXPECT_EQ(eth0.addresses, (std::vector<std::string>{"104.131.20.105/18", "2604:a880:800:10::17d:2001/64", "10.17.0.5/16"}));
  EXPECT_EQ(eth0.routes, (std::vector<config::RouteConfig>{{"0.0.0.0/0", "104.131.0.1", 0}, {"::/0", "2604:a880:800:10::1", 0}}));
  EXPECT_EQ(network->interfaces[1].addresses, std::vector<std::string>{"10.132.255.113/16"});
  EXPECT_TRUE(network->interfaces[1].routes.empty()) << "the private network has no default route";
}

TEST(DigitalOceanNetwork, RefusesWhatDigitalOceanWouldNotWrite) {
  auto refused = [](const std::string& json) {
    try {
      read_digitalocean_network(json, [](const std::string&) { return std::string("eth0"); });
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(refused("[]"), "DigitalOcean's metadata is not a JSON object");
  EXPECT_EQ(refused(R"({"interfaces": {"public": [{"ipv4": {}}]}})"), "DigitalOcean's metadata: interfaces.public[0].mac: expected a string");
  EXPECT_EQ(refused(R"({"interfaces": {"public": [{"mac": "m", "ipv4": {"ip_address": "1.2.3.4", "netmask": "255.0.255.0", "gateway": "1.0.0.1"}}]}})"),
            "DigitalOcean's metadata: interfaces.public[0].ipv4.netmask: not a netmask of the address's IP version");
  EXPECT_EQ(refused(R"({"interfaces": {"public": [{"mac": "m", "ipv6": {"ip_address": "fd00::1", "cidr": 129, "gateway": "fd00::"}}]}})"),
            "DigitalOcean's metadata: interfaces.public[0].ipv6.cidr: expected a prefix length");
  EXPECT_EQ(refused(R"({"interfaces": {"public": [{"mac": "m", "ipv4": {"ip_address": "1.2.3.4", "netmask": "255.0.0.0", "gateway": "fd00::1"}}]}})"),
            "DigitalOcean's metadata: interfaces.public[0].ipv4.gateway: not an address of the block's IP version: 'fd00::1'");
  EXPECT_EQ(refused(R"({"dns": {"nameservers": ["dns.example"]}})"), "DigitalOcean's metadata: dns.nameservers: expected a list of IP addresses");
}

// /metadata's network as Equinix Metal's bonded servers have it.
const char* kEquinixMetadata = R"({
  "id": "e3a2a6b1", "hostname": "eq-1", "plan": "c3.small.x86",
  "network": {
    "bonding": {"mode": 4, "link_aggregation": "bonded", "mac": "b8:59:9f:e0:f6:8c"},
    "interfaces": [{"name": "eth0", "mac": "b8:59:9f:e0:f6:8c", "bond": "bond0"},
                   {"name": "eth1", "mac": "b8:59:9f:e0:f6:8d", "bond": "bond0"}],
    "addresses": [
      {"id": "a1", "address_family": 4, "netmask": "255.255.255.254", "public": true, "management": true, "enabled": true,
       "cidr": 31, "network": "147.75.84.94", "address": "147.75.84.95", "gateway": "147.75.84.94"},
      {"id": "a2", "address_family": 6, "public": true, "management": true, "enabled": true, "cidr": 127,
       "network": "2604:1380:1:5f00::", "address": "2604:1380:1:5f00::1", "gateway": "2604:1380:1:5f00::"},
      {"id": "a3", "address_family": 4, "public": false, "management": true, "enabled": true, "cidr": 31,
       "network": "10.99.190.128", "address": "10.99.190.129", "gateway": "10.99.190.128"},
      {"id": "a4", "address_family": 4, "public": true, "enabled": false, "cidr": 29,
       "address": "147.75.1.2", "gateway": "147.75.1.1"}
    ],
    "resolvers": ["147.75.207.207", "147.75.207.208"]
  }
})";

TEST(EquinixSource, TheBondedNetworkFromTheMetadata) {
  StandIn server({"equinix", {{"/metadata", kEquinixMetadata}}});
  TestEnvironment env(server.server.address());
  env.nics = {{"b8:59:9f:e0:f6:8c", "enp1s0f0"}, {"b8:59:9f:e0:f6:8d", "enp1s0f1"}};
  auto network = EquinixSource().network(env);
  ASSERT_TRUE(network);
  EXPECT_EQ(network->hostname, "eq-1");
  EXPECT_EQ(network->dns_servers, (std::vector<std::string>{"147.75.207.207", "147.75.207.208"}));
  ASSERT_EQ(network->interfaces.size(), 1u);
  const auto& bond = network->interfaces[0];
  EXPECT_EQ(bond.interface, "bond0");
  ASSERT_TRUE(bond.bond);
  EXPECT_EQ(bond.bond->interfaces, (std::vector<std::string>{"enp1s0f0", "enp1s0f1"}));
  EXPECT_EQ(bond.bond->mode, "802.3ad");
  EXPECT_EQ(bond.bond->lacp_rate, "fast");
  EXPECT_EQ(bond.bond->xmit_hash_policy, "layer3+4");
  EXPECT_EQ(bond.addresses, (std::vector<std::string>{"147.75.84.95/31", "2604:1380:1:5f00::1/127", "10.99.190.129/31"}));
  EXPECT_EQ(bond.routes, (std::vector<config::RouteConfig>{{"0.0.0.0/0", "147.75.84.94", 0},
                                                          {"::/0", "2604:1380:1:5f00::", 0},
                                                          {"10.0.0.0/8", "10.99.190.128", 0}}));
  // A second NIC this machine lacks is left out, and said.
  env.nics.erase("b8:59:9f:e0:f6:8d");
  auto one = EquinixSource().network(env);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->interfaces[0].bond->interfaces, std::vector<std::string>{"enp1s0f0"});
  EXPECT_EQ(env.lines.back(), "platform: equinix: /metadata: left out interfaces[1]: no NIC with the MAC address "
                              "b8:59:9f:e0:f6:8d on this machine");
}

TEST(EquinixNetwork, RefusesWhatEquinixWouldNotWrite) {
  auto refused = [](const std::string& json) {
    try {
      read_equinix_network(json, [](const std::string&) { return std::string("eth0"); });
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string nic = R"({"mac": "b8:59:9f:e0:f6:8c", "bond": "bond0"})";
  EXPECT_EQ(refused(R"({"network": {"bonding": {"mode": 9}, "interfaces": [)" + nic + "]}}"),
            "Equinix Metal's /metadata: network.bonding.mode: expected a bonding mode from 0 to 6");
  EXPECT_EQ(refused(R"({"network": {"interfaces": [{"bond": "bond0"}]}})"),
            "Equinix Metal's /metadata: network.interfaces[0].mac: expected a string");
  EXPECT_EQ(refused(R"({"network": {"interfaces": [)" + nic + R"(], "addresses": [{"address": "10.0.0.1", "cidr": 40, "gateway": "10.0.0.0"}]}})"),
            "Equinix Metal's /metadata: network.addresses[0]: not an address with its prefix length: 10.0.0.1/40");
  EXPECT_EQ(refused(R"({"network": {"interfaces": [)" + nic + R"(], "addresses": [{"address": "10.0.0.1", "cidr": 31, "gateway": "fd00::1"}]}})"),
            "Equinix Metal's /metadata: network.addresses[0].gateway: not an address of the address's IP version: fd00::1");
  EXPECT_EQ(refused(R"({"network": {"interfaces": [)" + nic + R"(], "addresses": [{"address": "10.0.0.1", "cidr": 31, "gateway": "10.0.0.0", "public": "yes"}]}})"),
            "Equinix Metal's /metadata: network.addresses[0].public: expected true or false");
  EXPECT_EQ(refused("[]"), "Equinix Metal's /metadata is not a JSON object");
}

TEST(EquinixSource, ReadsUserDataAndTheMetadataDocument) {
  StandIn server({"equinix",
                  {{"/userdata", kConfig},
                   {"/metadata", R"({"hostname": "eq-1", "network": {"resolvers": ["147.75.207.207"]}})"}}});
  TestEnvironment env(server.server.address());
  PlatformConfig c = EquinixSource().fetch(env);
  EXPECT_EQ(c.user_data, kConfig);
  EXPECT_EQ(c.hostname, "eq-1");
  EXPECT_EQ(c.dns_servers, std::vector<std::string>{"147.75.207.207"});
}

TEST(NoCloudSource, ReadsTheCidataVolume) {
  TestEnvironment env("127.0.0.1:1");
  EXPECT_THROW(NoCloudSource().fetch(env), NotAvailable);
  env.volumes["CIDATA/user-data"] = kConfig;
  env.volumes["CIDATA/meta-data"] = "instance-id: i-1\nlocal-hostname: metal-7\n";
  PlatformConfig c = NoCloudSource().fetch(env);
  EXPECT_EQ(c.user_data, kConfig);
  EXPECT_EQ(c.hostname, "metal-7");
}

TEST(ConfigUrlSource, FetchesTheUrlAndRefusesOtherSchemes) {
  StandIn server({"url", {{"/configs/node.yaml", kConfig}}});
  TestEnvironment env(server.server.address());
  EXPECT_EQ(ConfigUrlSource("http://" + server.server.address() + "/configs/node.yaml").fetch(env).user_data, kConfig);
  EXPECT_THROW(ConfigUrlSource("http://" + server.server.address() + "/configs/missing.yaml").fetch(env), NotAvailable);
  EXPECT_THROW(ConfigUrlSource("file:///etc/shadow").fetch(env), Error);
}

TEST(SourceFor, PicksTheBronzeConfigUrlFirstThenThePlatform) {
  EXPECT_EQ(source_for("aws", "")->name(), "aws");
  EXPECT_EQ(source_for("aws", "http://10.0.0.1/c.yaml")->name(), "bronze.config");
  EXPECT_EQ(source_for("metal", "")->name(), "nocloud");
  EXPECT_EQ(source_for("qemu", "")->name(), "nocloud");
  EXPECT_EQ(source_for("openstack", "")->name(), "openstack");
  EXPECT_EQ(source_for("azure", "")->name(), "azure");
  EXPECT_EQ(source_for("vmware", "")->name(), "vmware");
  EXPECT_EQ(source_for("gcp-typo", ""), nullptr);
}

// The retries: a 404, a 500 and a refused connection are each retried with
// doubling delays, every attempt logged; a source that answers later wins.
TEST(FetchWithRetries, RetriesWithBackoffUntilTheSourceAnswers) {
  int calls = 0;
  LoopbackHttpServer server([&calls](const HttpRequest&) {
    ++calls;
    HttpReply r;
    if (calls == 1) {
      r.status = 404;
    } else if (calls == 2) {
      r.status = 500;
    } else {
      r.body = kConfig;
    }
    return r;
  });
  TestEnvironment env(server.address());
  std::vector<std::chrono::milliseconds> waits;
  RetryPolicy policy;
  policy.attempts = 5;
  policy.sleep = [&waits](std::chrono::milliseconds d) { waits.push_back(d); };
  ConfigUrlSource source("http://" + server.address() + "/c.yaml");
  FetchResult result = fetch_with_retries(source, env, policy);
  ASSERT_TRUE(result.config);
  EXPECT_EQ(result.config->user_data, kConfig);
  EXPECT_EQ(result.attempts, 3);
  EXPECT_EQ(waits, (std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(2000), std::chrono::milliseconds(4000)}));
  std::string log;
  for (const auto& l : env.lines) log += l + "\n";
  EXPECT_NE(log.find("fetching the machine config (attempt 1 of 5)"), std::string::npos) << log;
  EXPECT_NE(log.find("(404); retrying in 2.00 s"), std::string::npos) << log;
  EXPECT_NE(log.find("HTTP 500; retrying in 4.00 s"), std::string::npos) << log;
  EXPECT_NE(log.find("got " + std::to_string(std::string(kConfig).size()) + " bytes"), std::string::npos) << log;
}

TEST(FetchWithRetries, GivesUpWithTheReasonWhenNothingAnswers) {
  TestEnvironment env("127.0.0.1:" + std::to_string(test::unused_port()));
  RetryPolicy policy;
  policy.attempts = 3;
  std::vector<std::chrono::milliseconds> waits;
  policy.sleep = [&waits](std::chrono::milliseconds d) { waits.push_back(d); };
  AwsSource source;
  FetchResult result = fetch_with_retries(source, env, policy);
  EXPECT_FALSE(result.config);
  EXPECT_EQ(result.attempts, 3);
  EXPECT_EQ(waits.size(), 2u);
  EXPECT_NE(result.failure.find("cannot reach the metadata service"), std::string::npos) << result.failure;
  EXPECT_NE(env.lines.back().find("giving up after 3 attempts"), std::string::npos) << env.lines.back();
}

TEST(FetchWithRetries, ASlowSourceIsBoundedByTheTimeout) {
  LoopbackHttpServer server([](const HttpRequest&) {
    std::this_thread::sleep_for(std::chrono::seconds(3));
    HttpReply r;
    r.body = kConfig;
    return r;
  });
  TestEnvironment env(server.address(), 1);
  auto start = std::chrono::steady_clock::now();
  try {
    ConfigUrlSource("http://" + server.address() + "/c.yaml").fetch(env);
    FAIL() << "a source slower than the timeout was waited for";
  } catch (const NotAvailable& e) {
    EXPECT_NE(std::string(e.what()).find("did not answer"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(FetchWithRetries, EmptyUserDataIsNotAConfig) {
  StandIn server({"hcloud", {{"/hetzner/v1/userdata", ""}}});
  TestEnvironment env(server.server.address());
  RetryPolicy policy;
  policy.attempts = 1;
  HcloudSource source;
  FetchResult result = fetch_with_retries(source, env, policy);
  EXPECT_FALSE(result.config);
  EXPECT_NE(result.failure.find("empty"), std::string::npos) << result.failure;
}


// --- Azure and VMware, from documents shaped as the platforms write them
// (node/platform/testdata/: the namespaces, prefixes, wrapping and
// neighbouring elements of a real ovf-env.xml, goal state and vSphere OVF
// environment).

std::string sample(const std::string& name) { return read_file(std::string(BRONZE_PLATFORM_SAMPLES) + "/" + name); }

TEST(AzureSource, ReadsCustomDataAndHostNameFromOvfEnv) {
  PlatformConfig c;
  read_azure_ovf_env(sample("azure-ovf-env.xml"), c);
  EXPECT_EQ(c.user_data, sample("machine-config.yaml"));
  EXPECT_EQ(c.hostname, "bronze-az-1");
}

TEST(AzureSource, ReadsTheGoalStateAndWritesTheReadyReport) {
  auto goal = parse_goal_state(sample("azure-goalstate.xml"));
  EXPECT_EQ(goal.incarnation, "1");
  EXPECT_EQ(goal.container_id, "4a56de7b-1c3f-4a4e-9d2f-7b2c1e0f9a31");
  EXPECT_EQ(goal.instance_id, "d2f1c9a0-5b6e-4f0a-8c3d-0e9b7a6f5c41.bronze-az-1");
  // The report is XML that reads back to the same names, escaped.
  goal.instance_id += "<&>";
  XmlElement report = parse_xml(ready_report(goal), "the report");
  EXPECT_EQ(report.name, "Health");
  EXPECT_EQ(report.find({"GoalStateIncarnation"})->text, "1");
  EXPECT_EQ(report.find({"Container", "ContainerId"})->text, goal.container_id);
  EXPECT_EQ(report.find({"Container", "RoleInstanceList", "Role", "InstanceId"})->text, goal.instance_id);
  EXPECT_EQ(report.find({"Container", "RoleInstanceList", "Role", "Health", "State"})->text, "Ready");
}

TEST(AzureSource, RefusesDocumentsThatAreNotAzures) {
  PlatformConfig c;
  auto refused = [&](const std::string& xml, const std::string& words) {
    try {
      read_azure_ovf_env(xml, c);
      ADD_FAILURE() << "accepted: " << xml;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  refused("<Environment><ProvisioningSection>", "not well-formed XML (line 1");
  refused("<Other/>", "root is <Other>, not Azure's <Environment>");
  refused("<Environment/>", "no ProvisioningSection/LinuxProvisioningConfigurationSet");
  refused("<Environment><ProvisioningSection><LinuxProvisioningConfigurationSet><CustomData>not base64!"
          "</CustomData></LinuxProvisioningConfigurationSet></ProvisioningSection></Environment>",
          "CustomData is not base64");
  refused("<!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/shadow\">]><Environment>&e;</Environment>", "has a DOCTYPE declaration");
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "<a>";
  refused(deep, "nested deeper than 32");
  EXPECT_THROW(parse_goal_state("<GoalState><Incarnation>1</Incarnation></GoalState>"), Error);
}

// The provisioning media first; the node reports ready to the wireserver.
TEST(AzureSource, TakesTheProvisioningMediaThenReportsReady) {
  StandIn azure({"azure", {{"wireserver:goalstate", sample("azure-goalstate.xml")}}});
  TestEnvironment env(azure.server.address());
  env.volumes["media/ovf-env.xml"] = sample("azure-ovf-env.xml");
  PlatformConfig c = AzureSource().fetch(env);
  EXPECT_EQ(c.user_data, sample("machine-config.yaml"));
  EXPECT_EQ(c.hostname, "bronze-az-1");
  EXPECT_EQ(c.source, "ovf-env.xml's CustomData on the provisioning media");
  auto requests = azure.server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/machine/?comp=goalstate");
  EXPECT_EQ(requests[1].method, "POST");
  EXPECT_EQ(requests[1].target, "/machine?comp=health");
  EXPECT_EQ(requests[1].header("x-ms-version"), "2012-11-30");
  auto report = parse_xml(requests[1].body, "the report");
  EXPECT_EQ(report.find({"Container", "RoleInstanceList", "Role", "InstanceId"})->text,
            "d2f1c9a0-5b6e-4f0a-8c3d-0e9b7a6f5c41.bronze-az-1");
  EXPECT_EQ(report.find({"Container", "RoleInstanceList", "Role", "Health", "State"})->text, "Ready");
  bool said = false;
  for (const auto& line : env.lines) said = said || line.find("platform: azure: reported ready") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(AzureSource, WithoutMediaAsksImdsWithTheMetadataHeader) {
  std::string user_data = base64_encode(kConfig);
  StandIn azure({"azure",
                 {{"/metadata/instance/compute/userData", user_data},
                  {"/metadata/instance/compute/name", "az-from-imds"},
                  {"wireserver:goalstate", sample("azure-goalstate.xml")}}});
  TestEnvironment env(azure.server.address());
  PlatformConfig c = AzureSource().fetch(env);
  EXPECT_EQ(c.user_data, kConfig);
  EXPECT_EQ(c.hostname, "az-from-imds");
  auto requests = azure.server.requests();
  ASSERT_GE(requests.size(), 1u);
  EXPECT_EQ(requests[0].header("metadata"), "true");
  EXPECT_NE(requests[0].target.find("api-version="), std::string::npos);
  // Without the header, Azure's IMDS (and the stand-in) refuses.
  HttpAnswer bare = env.http("GET", "http://169.254.169.254/metadata/instance/compute/userData?api-version=2021-01-01", {}, {});
  EXPECT_EQ(bare.status, 400);
}

TEST(AzureSource, NoMediaAndNoUserDataIsNotAvailableAndAWireserverDownIsOnlyLogged) {
  StandIn azure({"azure", {{"/metadata/instance/compute/userData", ""}}});
  TestEnvironment env(azure.server.address());
  EXPECT_THROW(AzureSource().fetch(env), NotAvailable);
  env.volumes["media/ovf-env.xml"] = sample("azure-ovf-env.xml");
  PlatformConfig c = AzureSource().fetch(env);  // no goal state: the report fails, the config stands
  EXPECT_EQ(c.user_data, sample("machine-config.yaml"));
  bool said = false;
  for (const auto& line : env.lines) said = said || line.find("could not report ready to the wireserver") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(VmwareSource, ReadsTheOvfEnvironmentsProperties) {
  auto properties = read_ovf_properties(sample("vmware-ovf-env.xml"));
  EXPECT_EQ(properties.at("hostname"), "bronze-vs-1");
  EXPECT_EQ(properties.at("unrelated"), "kept out");
  PlatformConfig c;
  read_vmware_properties(properties, c);
  EXPECT_EQ(c.user_data, sample("machine-config.yaml"));
  EXPECT_EQ(c.hostname, "bronze-vs-1");
  EXPECT_EQ(c.source, "the OVF property bronze.config");
}

TEST(VmwareSource, FetchesFromTheIsoTransportAndRefusesBadProperties) {
  TestEnvironment env("127.0.0.1:9");
  EXPECT_THROW(VmwareSource().fetch(env), NotAvailable);
  env.volumes["media/ovf-env.xml"] = sample("vmware-ovf-env.xml");
  PlatformConfig c = VmwareSource().fetch(env);
  EXPECT_EQ(c.user_data, sample("machine-config.yaml"));
  PlatformConfig bad;
  EXPECT_THROW(read_vmware_properties({{"bronze.config", "%%%"}}, bad), Error);
  PlatformConfig cloud_init;
  read_vmware_properties({{"user-data", base64_encode(kConfig)}}, cloud_init);
  EXPECT_EQ(cloud_init.user_data, kConfig);
  env.volumes["media/ovf-env.xml"] = "<Environment><PropertySection/></Environment>";
  EXPECT_THROW(VmwareSource().fetch(env), NotAvailable);
  EXPECT_THROW(read_ovf_properties("<Environment><PropertySection><Property oe:value='x'/></PropertySection></Environment>"),
               Error);
}

}  // namespace
}  // namespace bronze::platform
