#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <regex>
#include <thread>

#include "base/error.h"
#include "base/files.h"
#include "node/network/dhcp_packet.h"
#include "node/network/interface_merge.h"
#include "node/network/resolv_conf.h"
#include "node/network/sntp.h"
#include "node/network/time_sync.h"
#include "tests/support/link_standin.h"

namespace bronze::network {
namespace {

// --- resolv.conf -------------------------------------------------------------

TEST(ResolvConf, ReadsTheKernelsDhcpAnswer) {
  auto dhcp = resolvers_from_kernel_dhcp("#PROTO: DHCP\ndomain lab.example\nnameserver 10.0.2.3\nnameserver 0.0.0.0\n"
                                         "bootserver 10.0.2.2\n");
  EXPECT_EQ(dhcp.nameservers, (std::vector<std::string>{"10.0.2.3"}));
  EXPECT_EQ(dhcp.search, (std::vector<std::string>{"lab.example"}));
  EXPECT_TRUE(resolvers_from_kernel_dhcp("").nameservers.empty());
}

TEST(ResolvConf, TheConfigWinsThenThePlatformThenDhcp) {
  ResolverSettings dhcp{{"10.0.2.3"}, {"lab.example"}, "the kernel's DHCP answer"};
  auto from_config = choose_resolvers({"192.168.200.1"}, {"bronze.test"}, {"169.254.169.253"}, dhcp);
  EXPECT_EQ(from_config.nameservers, (std::vector<std::string>{"192.168.200.1"}));
  EXPECT_EQ(from_config.search, (std::vector<std::string>{"bronze.test"}));
  EXPECT_EQ(from_config.source, "the machine config");
  auto from_platform = choose_resolvers({}, {}, {"169.254.169.253"}, dhcp);
  EXPECT_EQ(from_platform.nameservers, (std::vector<std::string>{"169.254.169.253"}));
  EXPECT_EQ(from_platform.search, (std::vector<std::string>{"lab.example"}));
  EXPECT_EQ(from_platform.source, "the platform's metadata");
  EXPECT_EQ(choose_resolvers({}, {}, {}, dhcp).nameservers, dhcp.nameservers);
}

TEST(ResolvConf, WritesTheWholeFileThroughAStagedName) {
  TempDir dir("bronze-resolv");
  auto path = dir.path() / "resolv.conf";
  write_file(path, "nameserver 10.0.2.3\n");
  write_resolv_conf(path, {{"192.168.200.1", "fd00::53"}, {"bronze.test", "example.com"}, "the machine config"});
  EXPECT_EQ(read_file(path),
            "# Written by machined from the machine config.\nnameserver 192.168.200.1\nnameserver fd00::53\n"
            "search bronze.test example.com\n");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "resolv.conf.new"));
}

// --- the NTP packet ------------------------------------------------------------

std::vector<uint8_t> reply_to(const std::array<uint8_t, kNtpPacketSize>& request, double server_now) {
  return *bronze::test::answer_ntp(request, server_now);
}

TEST(Sntp, TimestampsRoundTripAcrossTheEras) {
  for (double t : {0.0, 1'600'000'000.25, 2'085'978'495.5, 2'085'978'496.75, 4'000'000'000.0}) {
    EXPECT_NEAR(to_unix(to_ntp(t)), t, 1e-6) << t;
  }
  EXPECT_EQ(to_ntp(0).seconds, 2208988800u);
}

TEST(Sntp, RequestIsVersion4ClientCarryingTheCookie) {
  auto request = make_request({0x01020304, 0x05060708});
  EXPECT_EQ(request[0], 0x23);  // leap 0, version 4, mode 3
  EXPECT_EQ(request[40], 0x01);
  EXPECT_EQ(request[47], 0x08);
  for (size_t i = 1; i < 40; ++i) EXPECT_EQ(request[i], 0) << i;
}

TEST(Sntp, OffsetAndDelayFollowRfc5905) {
  NtpTimestamp cookie{7, 9};
  // The server is 1000 s ahead; 0.2 s each way.
  auto reply = reply_to(make_request(cookie), 1'000'001'000.2);
  auto times = parse_reply(reply, cookie);
  EXPECT_EQ(times.stratum, 1);
  auto sample = sample_of(1'000'000'000.0, times, 1'000'000'000.4);
  EXPECT_NEAR(sample.offset_seconds, 1000.0, 1e-3);
  EXPECT_NEAR(sample.delay_seconds, 0.4, 1e-3);
}

TEST(Sntp, RefusesWhatIsNoAnswerToUs) {
  NtpTimestamp cookie{7, 9};
  auto good = reply_to(make_request(cookie), 1'700'000'000.0);
  auto expect_refused = [&](std::vector<uint8_t> reply, const std::string& words) {
    try {
      parse_reply(reply, cookie);
      ADD_FAILURE() << "accepted; expected: " << words;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  expect_refused(std::vector<uint8_t>(good.begin(), good.begin() + 47), "47 bytes, fewer than the 48");
  auto client_mode = good;
  client_mode[0] = 0x23;
  expect_refused(client_mode, "not a server's (mode 3, not 4)");
  auto kiss = good;
  kiss[1] = 0;
  kiss[12] = 'R', kiss[13] = 'A', kiss[14] = 'T', kiss[15] = 'E';
  expect_refused(kiss, "refuses to serve (kiss code RATE)");
  auto unsynced = good;
  unsynced[1] = 16;
  expect_refused(unsynced, "not synchronised (stratum 16)");
  auto alarm = good;
  alarm[0] |= 0xc0;
  expect_refused(alarm, "says its clock is not synchronised");
  auto other = good;
  other[31] ^= 1;
  expect_refused(other, "does not answer our request");
  auto no_transmit = good;
  std::fill(no_transmit.begin() + 40, no_transmit.begin() + 48, 0);
  expect_refused(no_transmit, "no transmit timestamp");
  auto old_version = good;
  old_version[0] = (1 << 3) | 4;
  expect_refused(old_version, "version 1");
}

// --- a sync against a loopback server -------------------------------------------

// An NTP server on 127.0.0.1 whose clock is `ahead` seconds ahead of the
// host's; optionally sends a forged reply (wrong cookie) before the real one,
// or nothing at all.
class LoopbackNtp {
 public:
  enum class Mode { Honest, ForgedFirst, Silent };
  LoopbackNtp(double ahead, Mode mode) : ahead_(ahead), mode_(mode) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    socklen_t size = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~LoopbackNtp() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  uint16_t port() const { return port_; }
  int answered() const { return answered_; }

 private:
  void run() {
    while (!stop_) {
      pollfd ready{fd_, POLLIN, 0};
      if (::poll(&ready, 1, 100) <= 0) continue;
      uint8_t request[128];
      sockaddr_in from{};
      socklen_t from_size = sizeof from;
      ssize_t got = ::recvfrom(fd_, request, sizeof request, 0, reinterpret_cast<sockaddr*>(&from), &from_size);
      if (got <= 0 || mode_ == Mode::Silent) continue;
      double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count() + ahead_;
      auto reply = bronze::test::answer_ntp({request, static_cast<size_t>(got)}, now);
      if (!reply) continue;
      if (mode_ == Mode::ForgedFirst) {
        auto forged = *reply;
        forged[24] ^= 0xff;
        ::sendto(fd_, forged.data(), forged.size(), 0, reinterpret_cast<sockaddr*>(&from), from_size);
      }
      ::sendto(fd_, reply->data(), reply->size(), 0, reinterpret_cast<sockaddr*>(&from), from_size);
      ++answered_;
    }
  }
  double ahead_;
  Mode mode_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> answered_{0};
  std::thread thread_;
};

// The host's clock, read only; steps and slews are recorded.
struct RecordingClock {
  std::vector<double> steps, slews;
  ClockControl control() {
    ClockControl clock = system_clock();
    clock.step = [this](double offset) { steps.push_back(offset); };
    clock.slew = [this](double offset) { slews.push_back(offset); };
    return clock;
  }
};

// What the sync thread says, kept for the test to read once it ended.
struct SaidLines {
  std::mutex mutex;
  std::vector<std::string> lines;
  std::function<void(const std::string&)> sink() {
    return [this](const std::string& line) {
      std::lock_guard lock(mutex);
      lines.push_back(line);
    };
  }
};

TEST(TimeSync, StepsAClockThatIsYearsOffAndSaysFromWhere) {
  constexpr double kSixYears = 6 * 365 * 86400.0;
  LoopbackNtp server(kSixYears, LoopbackNtp::Mode::Honest);
  RecordingClock clock;
  SaidLines said;
  {
    TimeSync sync({"127.0.0.1"}, clock.control(), said.sink(), server.port());
    sync.start();
    ASSERT_TRUE(sync.wait_synced(std::chrono::seconds(20)));
    EXPECT_TRUE(sync.synced());
  }
  ASSERT_EQ(clock.steps.size(), 1u);
  EXPECT_NEAR(clock.steps[0], kSixYears, 1.0);
  ASSERT_FALSE(said.lines.empty());
  // Six years, give or take the round trip's jitter, with the times it went between.
  EXPECT_TRUE(std::regex_search(said.lines[0], std::regex(R"(^time: stepped the clock by \+1892(15999|16000)\.\d{3} s, from )"
                                                    R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ to \d{4}-)")))
      << said.lines[0];
  EXPECT_NE(said.lines[0].find("; server 127.0.0.1, stratum 1, round trip "), std::string::npos) << said.lines[0];
}

TEST(TimeSync, SlewsASmallOffset) {
  LoopbackNtp server(0.05, LoopbackNtp::Mode::Honest);
  RecordingClock clock;
  TimeSync sync({"127.0.0.1"}, clock.control(), [](const std::string&) {}, server.port());
  sync.start();
  ASSERT_TRUE(sync.wait_synced(std::chrono::seconds(20)));
  EXPECT_TRUE(clock.steps.empty());
  ASSERT_EQ(clock.slews.size(), 1u);
  EXPECT_NEAR(clock.slews[0], 0.05, 0.04);
}

TEST(TimeSync, AForgedReplyIsIgnoredAndTheRealOneBelieved) {
  LoopbackNtp server(3600, LoopbackNtp::Mode::ForgedFirst);
  auto clock = RecordingClock().control();
  auto sample = query_time_server("127.0.0.1", clock, std::chrono::seconds(5), server.port());
  EXPECT_NEAR(sample.sample.offset_seconds, 3600, 1.0);
  EXPECT_EQ(sample.address, "127.0.0.1");
}

TEST(TimeSync, ASilentServerTimesOutAndAnUnknownNameIsNamed) {
  LoopbackNtp silent(0, LoopbackNtp::Mode::Silent);
  auto clock = RecordingClock().control();
  try {
    query_time_server("127.0.0.1", clock, std::chrono::milliseconds(300), silent.port());
    ADD_FAILURE() << "a silent server answered";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("NTP server 127.0.0.1: 127.0.0.1: no answer within 300 ms"), std::string::npos)
        << e.what();
  }
  try {
    query_time_server("no-such-host.invalid", clock, std::chrono::milliseconds(300), silent.port());
    ADD_FAILURE() << "an unknown name resolved";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("NTP server no-such-host.invalid: cannot resolve it"), std::string::npos)
        << e.what();
  }
}

TEST(TimeSync, NoServerAnsweringLeavesTheClockAloneAndSaysSo) {
  LoopbackNtp silent(0, LoopbackNtp::Mode::Silent);
  RecordingClock clock;
  SaidLines said;
  {
    TimeSync sync({"127.0.0.1"}, clock.control(), said.sink(), silent.port());
    sync.start();
    EXPECT_FALSE(sync.wait_synced(std::chrono::seconds(3)));
  }
  EXPECT_TRUE(clock.steps.empty());
  EXPECT_TRUE(clock.slews.empty());
  ASSERT_FALSE(said.lines.empty());
  EXPECT_EQ(said.lines[0].rfind("time: no NTP server answered (1 attempts so far): NTP server 127.0.0.1", 0), 0u) << said.lines[0];
}

}  // namespace
TEST(InterfaceMerge, TheConfigWinsAndThePlatformFillsIn) {
  config::InterfaceConfig config_eth0;
  config_eth0.interface = "eth0";
  config_eth0.addresses = {"10.0.2.50/24"};
  config::InterfaceConfig config_bond;
  config_bond.interface = "bond0";
  config_bond.bond = config::BondConfig{};
  config_bond.bond->interfaces = {"eth1"};
  config::InterfaceConfig platform_eth0;
  platform_eth0.interface = "eth0";
  platform_eth0.addresses = {"10.0.2.60/24"};
  config::InterfaceConfig platform_eth1;  // in the config's bond: not also on its own
  platform_eth1.interface = "eth1";
  platform_eth1.dhcp = true;
  config::InterfaceConfig platform_eth2;
  platform_eth2.interface = "eth2";
  platform_eth2.addresses = {"192.168.1.5/24"};
  auto merged = merge_interfaces({config_eth0, config_bond}, {platform_eth0, platform_eth1, platform_eth2});
  ASSERT_EQ(merged.interfaces.size(), 3u);
  EXPECT_EQ(merged.interfaces[0], config_eth0);
  EXPECT_EQ(merged.interfaces[1], config_bond);
  EXPECT_EQ(merged.interfaces[2], platform_eth2);
  EXPECT_EQ(merged.overridden, (std::vector<std::string>{"eth0", "eth1"}));
  // A platform bond over a NIC the config names is the config's to say.
  config::InterfaceConfig platform_bond;
  platform_bond.interface = "bond7";
  platform_bond.bond = config::BondConfig{};
  platform_bond.bond->interfaces = {"eth0", "eth3"};
  EXPECT_EQ(merge_interfaces({config_eth0}, {platform_bond}).overridden, std::vector<std::string>{"bond7"});
  EXPECT_EQ(merge_interfaces({}, {platform_bond}).interfaces, std::vector<config::InterfaceConfig>{platform_bond});
}

// --- DHCP: our client's messages, and its reading of a server's answers
// (tests/support/link_standin's answer_dhcp, written apart from it).

using test::answer_dhcp;

constexpr std::array<uint8_t, 6> kMac = {0x52, 0x54, 0x00, 0xc8, 0x00, 0x02};
constexpr std::array<uint8_t, 4> kOffered = {192, 168, 200, 2};
constexpr std::array<uint8_t, 4> kServer = {192, 168, 200, 1};

TEST(DhcpPacket, ADiscoverAsRfc2131LaysItOut) {
  auto discover = make_discover(0x01020304, kMac);
  ASSERT_GE(discover.size(), 244u);
  EXPECT_EQ(discover[0], 1) << "a BOOTREQUEST";
  EXPECT_EQ(discover[1], 1);
  EXPECT_EQ(discover[2], 6);
  EXPECT_EQ((std::vector<uint8_t>(discover.begin() + 4, discover.begin() + 8)), (std::vector<uint8_t>{1, 2, 3, 4}));
  EXPECT_EQ(discover[10], 0x80) << "the broadcast flag: the client has no address to take a unicast answer on";
  EXPECT_TRUE(std::equal(kMac.begin(), kMac.end(), discover.begin() + 28));
  EXPECT_EQ((std::vector<uint8_t>(discover.begin() + 236, discover.begin() + 243)), (std::vector<uint8_t>{99, 130, 83, 99, 53, 1, 1}));
  EXPECT_EQ(discover.back(), 255);
}

TEST(DhcpPacket, AnOfferThenAnAckFromAServer) {
  auto offer_bytes = answer_dhcp(make_discover(77, kMac), kOffered, kServer);
  ASSERT_TRUE(offer_bytes);
  auto offer = parse_dhcp_reply(*offer_bytes, 77, kMac);
  EXPECT_EQ(offer.type, DhcpMessage::Offer);
  EXPECT_EQ(offer.lease.address, kOffered);
  EXPECT_EQ(offer.lease.prefix_length, 24);
  EXPECT_EQ(offer.lease.server, kServer);
  EXPECT_EQ(offer.lease.lease_seconds, 3600u);
  ASSERT_EQ(offer.lease.dns_servers.size(), 1u);
  EXPECT_EQ(ipv4_text(offer.lease.dns_servers[0]), "192.168.200.1");

  auto request = make_request(77, kMac, offer.lease);
  auto ack_bytes = answer_dhcp(request, kOffered, kServer);
  ASSERT_TRUE(ack_bytes) << "the server must read our REQUEST";
  EXPECT_EQ(parse_dhcp_reply(*ack_bytes, 77, kMac).type, DhcpMessage::Ack);
  // The REQUEST names the offered address (option 50) and the server (54).
  std::vector<uint8_t> tail(request.begin() + 240, request.end());
  auto has = [&tail](std::vector<uint8_t> option) { return std::search(tail.begin(), tail.end(), option.begin(), option.end()) != tail.end(); };
  EXPECT_TRUE(has({50, 4, 192, 168, 200, 2}));
  EXPECT_TRUE(has({54, 4, 192, 168, 200, 1}));
}

TEST(DhcpPacket, RefusesWhatIsNotAnAnswerToUs) {
  auto good = *answer_dhcp(make_discover(77, kMac), kOffered, kServer);
  auto refused = [](std::vector<uint8_t> packet) {
    try {
      parse_dhcp_reply(packet, 77, kMac);
    } catch (const NotOurs&) {
      return std::string("not ours");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(refused(std::vector<uint8_t>(good.begin(), good.begin() + 100)), "DHCP reply: 100 bytes, too short");
  auto request = good;
  request[0] = 1;
  EXPECT_EQ(refused(request), "DHCP reply: not a BOOTP reply (op 1)");
  auto other_xid = good;
  other_xid[7] ^= 1;
  EXPECT_EQ(refused(other_xid), "not ours");
  auto other_mac = good;
  other_mac[33] ^= 1;
  EXPECT_EQ(refused(other_mac), "not ours");
  auto no_magic = good;
  no_magic[236] = 0;
  EXPECT_EQ(refused(no_magic), "DHCP reply: no DHCP magic cookie");
  auto overrun = std::vector<uint8_t>(good.begin(), good.begin() + 240);
  overrun.insert(overrun.end(), {53, 1, 2, 6, 200, 1});
  EXPECT_EQ(refused(overrun), "DHCP reply: option 6 runs past the end");
  auto untyped = std::vector<uint8_t>(good.begin(), good.begin() + 240);
  untyped.insert(untyped.end(), {54, 4, 192, 168, 200, 1, 255});
  EXPECT_EQ(refused(untyped), "DHCP reply: no message type");
  auto nothing = good;
  std::fill(nothing.begin() + 16, nothing.begin() + 20, 0);
  EXPECT_EQ(refused(nothing), "DHCP reply: an offer of no address (0.0.0.0)");
  auto holey = std::vector<uint8_t>(good.begin(), good.begin() + 240);
  holey.insert(holey.end(), {53, 1, 2, 54, 4, 192, 168, 200, 1, 1, 4, 255, 0, 255, 0, 255});
  EXPECT_EQ(refused(holey), "DHCP reply: the subnet mask 255.0.255.0 is not contiguous");
  auto anonymous = std::vector<uint8_t>(good.begin(), good.begin() + 240);
  anonymous.insert(anonymous.end(), {53, 1, 2, 255});
  EXPECT_EQ(refused(anonymous), "DHCP reply: no server identifier");
  // No mask: the address's class (192.168/16 is class C, /24).
  auto classful = std::vector<uint8_t>(good.begin(), good.begin() + 240);
  classful.insert(classful.end(), {53, 1, 5, 54, 4, 192, 168, 200, 1, 255});
  EXPECT_EQ(parse_dhcp_reply(classful, 77, kMac).lease.prefix_length, 24);
}

}  // namespace bronze::network
