// A node's network and clock from its machine config alone, under QEMU (one
// boot):
// - eth0 on QEMU's user network: the kernel's DHCP address removed
//   (dhcp: false), a static 10.0.2.50/24 instead, and a route to 10.0.9.0/24
//   through 10.0.2.2. The API is forwarded to 10.0.2.50 only, and the
//   registry sits at 10.0.9.80, which only that route reaches.
// - eth1 on a second link whose only other host is a stand-in on the host's
//   loopback (QEMU's socket backend): no DHCP there, so the node's address
//   on it can only come from the config. eth1 and eth2 (a link to nowhere)
//   make bond0 (active-backup, eth1 primary), and bond0.42, a VLAN on it,
//   takes its address from the stand-in's DHCP server through the node's
//   own DHCP client (the kernel's serves physical NICs only): the stand-in
//   answers only frames tagged 42, so its DHCP, DNS and NTP answers prove
//   the bond and the VLAN carried them.
// - The guest's clock starts in 2020 (-rtc base=): the node steps it from
//   the NTP stand-in before it makes its serving certificate, or no client
//   would accept that certificate and the node would refuse every client's.
// - A staged upgrade from registry.bronze.test:5000, a name only the DNS
//   stand-in knows: a delta upgrade, on a node with 512 MiB of memory, of a
//   slot image larger than that (both slots padded with the same 560 MiB of
//   random bytes, in a file of the slot's filesystem: padding the root
//   instead would put it in the initramfs, which is unpacked into memory).
//   The node fetches only the chunks its active slot lacks, each checked
//   against the signed index, and the installer's memory stays small.
// - An interface the machine does not have (eth9) is reported, and the
//   rest of the network still comes up.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <regex>

#include "base/files.h"
#include "disk/filesystems/ext4.h"
#include "disk/partitions/disk_writer.h"
#include "disk/partitions/gpt.h"
#include "disk/slots/slot_image.h"
#include "machine_config/machine_config.h"
#include "tests/support/bronzectl_cli.h"
#include "tests/support/docker_registry_process.h"
#include "tests/support/image_fixture.h"
#include "tests/support/installer_cli.h"
#include "tests/support/large_slot.h"
#include "tests/support/link_standin.h"
#include "tests/support/qemu.h"
#include "tests/support/registry_push.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kRegistryName = "registry.bronze.test";
constexpr const char* kRegistryAddress = "10.0.9.80";
constexpr uint16_t kVlan = 42;

// controlplane.yaml with the network and time of this test.
fs::path network_config(const fs::path& cluster_dir) {
  auto config = config::load_machine_config(cluster_dir / "controlplane.yaml");
  auto& network = config.machine.network;
  network.hostname = "net-node";
  network.nameservers = {"192.168.200.1"};
  network.search_domains = {"bronze.test"};
  config::InterfaceConfig eth0;
  eth0.interface = "eth0";
  eth0.addresses = {"10.0.2.50/24"};
  eth0.routes = {{"10.0.9.0/24", "10.0.2.2", 0}};
  config::InterfaceConfig bond0;
  bond0.interface = "bond0";
  config::BondConfig bond;
  bond.interfaces = {"eth1", "eth2"};
  bond.mode = "active-backup";
  bond.miimon = 100;
  bond.primary = "eth1";
  bond0.bond = bond;
  config::VlanConfig vlan;
  vlan.vlan_id = kVlan;
  vlan.dhcp = true;
  bond0.vlans = {vlan};
  // A NIC the machine does not have: reported, and the others still work.
  config::InterfaceConfig missing;
  missing.interface = "eth9";
  missing.addresses = {"10.9.9.9/24"};
  network.interfaces = {eth0, bond0, missing};
  config.machine.time.servers = {"192.168.200.1"};
  config.machine.time.boot_timeout_seconds = 90;
  fs::path path = cluster_dir / "network.yaml";
  write_file(path, config::to_yaml(config));
  return path;
}

void expect_line(const std::string& console, const std::string& line) {
  EXPECT_NE(console.find(line), std::string::npos) << "no \"" << line << "\" on the console\n" << console_tail(console);
}

TEST(NodeNetwork, StaticAddressesABondAVlanOnDhcpDnsAndTimeFromTheMachineConfig) {
  ASSERT_TRUE(fs::exists("/usr/bin/socat")) << "socat is missing: install scripts/debian-packages.txt";
  TempDir dir("bronze-network-e2e");
  make_key_pair(dir.path());
  fs::path key = dir.path() / "key.pem";
  gen_config(dir.path() / "cluster", "demo");
  // Boot slots that hold a slot image of more than 512 MiB.
  fs::path data = metal_data_dir(dir.path() / "data", "2GiB", "700MiB");
  auto argv = imager_build_argv("metal", dir.path() / "v1", "v1", key, {});
  argv.insert(argv.end(), {"--config", network_config(dir.path() / "cluster").string(), "--data-dir", data.string()});
  run_checked(argv);
  fs::path disk = dir.path() / "node.raw";
  copy_sparse(dir.path() / "v1" / "metal-amd64.raw", disk);
  // The same random bytes in both slots; v1's slot A padded in place.
  fs::path padding = dir.path() / "padding.bin";
  write_random_file(padding, 560ull << 20);
  fs::path v1_slot = dir.path() / "v1-slot.ext4";
  auto slot_a = disk::find_partition(disk, "BOOT-A");
  write_file(v1_slot, read_at(disk, slot_a.start, static_cast<size_t>(disk::ext4_filesystem_bytes(disk, slot_a.start))));
  pad_slot_image(v1_slot, padding, dir.path() / "v1-padded.ext4");
  {
    disk::DiskWriter writer(disk);
    disk::write_slot_image(writer, slot_a, dir.path() / "v1-padded.ext4");
  }
  UnpackedInstaller v2_parts = unpack_installer_image(build_installer_image(dir.path() / "v2", "v2", key),
                                                      dir.path() / "key.pub", dir.path() / "v2-unpacked");
  pad_slot_image(v2_parts.slot, padding, dir.path() / "v2-padded.ext4");
  fs::path v2 = dir.path() / "v2-padded.tar";
  write_installer_image(v2, v2_parts.layer, dir.path() / "v2-padded.ext4", key, "v2", true);
  fs::remove(padding);
  const uint64_t payload_size = fs::file_size(dir.path() / "v2-padded.ext4");
  ASSERT_GT(payload_size, 512ull << 20);

  registry::test::DockerRegistryProcess registry(dir.path() / "registry");
  push_installer_image(v2, registry.address() + "/bronze/installer:v2", dir.path() / "push");
  std::string registry_port = registry.address().substr(registry.address().rfind(':') + 1);
  LinkStandIn link("192.168.200.1", {{kRegistryName, kRegistryAddress}}, kVlan, "192.168.200.2");

  int port = free_local_port();
  std::string endpoint = "127.0.0.1:" + std::to_string(port);
  QemuRun run;
  run.disk = disk;
  run.serial_log = dir.path() / "console.log";
  run.timeout_seconds = 900;
  run.memory_mib = 512;
  // QEMU's user network as 10.0.0.0/16, its gateway and DHCP where they
  // usually are; the API forwarded to the static address, the registry
  // behind 10.0.9.80:5000.
  run.user_net_options = ",net=10.0.0.0/16,host=10.0.2.2,dns=10.0.2.3,dhcpstart=10.0.2.15,hostfwd=tcp:127.0.0.1:" +
                         std::to_string(port) + "-10.0.2.50:50000,guestfwd=tcp:" + kRegistryAddress +
                         ":5000-cmd:/usr/bin/socat - TCP:127.0.0.1:" + registry_port;
  run.extra_args = {"-netdev", link.netdev("lan"), "-device", "virtio-net-pci,netdev=lan,mac=52:54:00:c8:00:02",
                    "-netdev", unconnected_link_netdev("spare"), "-device", "virtio-net-pci,netdev=spare,mac=52:54:00:c8:00:03",
                    "-rtc", "base=2020-01-01T00:00:00"};
  QemuMachine node(run);
  ASSERT_TRUE(node.wait_for("machined: API on 0.0.0.0:50000", 480)) << console_tail(node.console());
  // The hostname line follows the API's; the console is read once both are out.
  ASSERT_TRUE(node.wait_for("machined: hostname net-node", 60)) << console_tail(node.console());

  std::string console = node.console();
  // The kernel's DHCP address and default route removed (IPv6 from QEMU's
  // router advertisements is the kernel's business); the static address added.
  expect_line(console, "network: eth0: up, no DHCP (removed what the kernel's DHCP had set: 10.0.2.15/16), 10.0.2.50/24");
  expect_line(console, "network: eth0: route 10.0.9.0/24 via 10.0.2.2");
  expect_line(console, "network: eth1: joined bond0");
  expect_line(console, "network: eth2: joined bond0");
  expect_line(console, "network: bond0: bond of eth1, eth2 (active-backup, miimon 100 ms, primary eth1)");
  expect_line(console, "network: bond0: up, no DHCP");
  expect_line(console, "network: bond0.42: VLAN 42 on bond0, up, DHCP 192.168.200.2/24 from 192.168.200.1, for 3600 s");
  expect_line(console, "network: eth9: no interface named eth9 appeared within 10 s (check machine.network.interfaces "
                       "against the node's NICs)");
  expect_line(console, "network: resolv.conf: nameserver 192.168.200.1; search bronze.test (from the machine config)");
  expect_line(console, "time: NTP from 192.168.200.1 (the machine config); the boot waits up to 90 s for the first sync");
  expect_line(console, "time: stepped the clock by +");
  expect_line(console, "from 2020-01-01T");
  expect_line(console, "; server 192.168.200.1, stratum 1");
  expect_line(console, "machined: hostname net-node");
  // Answered only when tagged 42: the VLAN on the bond carried them.
  EXPECT_GE(link.tagged_frames(), 1);
  EXPECT_GE(link.dhcp_acks(), 1);
  EXPECT_GE(link.arp_replies(), 1);
  EXPECT_GE(link.ntp_replies(), 1);
  EXPECT_LT(console.find("time: stepped the clock"), console.find("machined: API on 0.0.0.0:50000"))
      << "the clock must be right before the serving certificate is made\n" << console_tail(console);

  // The API on the static address, with certificates both ends accept: the
  // node's clock is the host's now.
  fs::path admin = dir.path() / "cluster/bronzeconfig";
  ASSERT_TRUE(wait_for_version(admin, endpoint, "v1", 180)) << console_tail(node.console());

  // An upgrade from a registry named by DNS, through the static route.
  auto ctl_argv = ctl(admin, endpoint);
  ctl_argv.insert(ctl_argv.end(), {"upgrade", "--image", std::string(kRegistryName) + ":5000/bronze/installer:v2",
                                   "--insecure", "--stage"});
  auto staged = run_bronzectl(ctl_argv);
  ASSERT_EQ(staged.exit_code, 0) << staged.err << "\n" << console_tail(node.console());
  EXPECT_NE(staged.out.find("v1 -> v2 in slot B, staged for the next reboot"), std::string::npos) << staged.out;
  // A delta: the node's log says where the bytes came from.
  std::string log = staged.out + staged.err + node.console();
  std::smatch delta;
  ASSERT_TRUE(std::regex_search(log, delta, std::regex("delta upgrade: (\\d+) bytes \\((\\d+) chunks\\) from the active "
                                                       "slot \\(BOOT-A\\), (\\d+) bytes \\((\\d+) chunks\\) from the registry")))
      << log;
  uint64_t from_seed = std::stoull(delta[1]), from_registry = std::stoull(delta[3]);
  EXPECT_GT(from_seed, 512ull << 20);
  EXPECT_LT(from_registry, payload_size / 10) << delta[0];
  std::smatch memory;
  ASSERT_TRUE(std::regex_search(log, memory, std::regex("installer peak memory (\\d+) MiB"))) << log;
  EXPECT_LT(std::stoull(memory[1]), 64u) << memory[0];
  std::printf("under QEMU with 512 MiB: %s; %s\n", delta[0].str().c_str(), memory[0].str().c_str());
  auto asked = link.dns_questions();
  EXPECT_NE(std::find(asked.begin(), asked.end(), kRegistryName), asked.end())
      << "the node did not ask the DNS stand-in for " << kRegistryName;
  node.stop();
}

}  // namespace
}  // namespace bronze::test
