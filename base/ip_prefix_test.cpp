#include "base/ip_prefix.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

namespace bronze {
namespace {

TEST(IpPrefix, ParsesV4AndV6WithTheirLengths) {
  auto v4 = parse_ip_prefix("10.0.2.50/24");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->text(), "10.0.2.50/24");
  EXPECT_EQ(v4->network().text(), "10.0.2.0/24");
  auto v6 = parse_ip_prefix("fd00::1:2/64");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->address.size(), 16u);
  EXPECT_EQ(v6->network().text(), "fd00::/64");
  EXPECT_EQ(parse_ip_prefix("0.0.0.0/0")->network().text(), "0.0.0.0/0");
  EXPECT_EQ(parse_ip_prefix("192.168.7.255/21")->network().text(), "192.168.0.0/21");
}

TEST(IpPrefix, RefusesWhatTheKernelWouldNotTake) {
  for (const char* bad : {"10.0.2.50", "10.0.2.50/", "10.0.2.50/33", "10.0.2/24", "10.0.2.50/-1", "10.0.2.50/24x",
                          "fd00::1/129", "host.example/24", "/24", "", "10.0.2.50/0024", " 10.0.2.50/24"}) {
    EXPECT_FALSE(parse_ip_prefix(bad)) << bad;
  }
}

TEST(IpAddress, ParsesOnlyAddresses) {
  EXPECT_EQ(parse_ip_address("192.168.200.1")->text(), "192.168.200.1");
  EXPECT_EQ(parse_ip_address("::1")->family, AF_INET6);
  EXPECT_FALSE(parse_ip_address("192.168.200.1/24"));
  EXPECT_FALSE(parse_ip_address("time.example"));
  EXPECT_FALSE(parse_ip_address("1.2.3.4.5"));
}

}  // namespace
TEST(IpPrefix, NetmasksAsLengths) {
  EXPECT_EQ(netmask_length("255.255.255.0"), 24);
  EXPECT_EQ(netmask_length("255.255.192.0"), 18);
  EXPECT_EQ(netmask_length("0.0.0.0"), 0);
  EXPECT_EQ(netmask_length("255.255.255.255"), 32);
  EXPECT_EQ(netmask_length("ffff:ffff:ffff:ffff::"), 64);
  EXPECT_FALSE(netmask_length("255.0.255.0")) << "ones not contiguous";
  EXPECT_FALSE(netmask_length("24"));
  EXPECT_FALSE(netmask_length("255.255.255.256"));
}

}  // namespace bronze
