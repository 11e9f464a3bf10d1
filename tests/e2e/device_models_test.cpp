// Each platform's own output file boots under QEMU on the disk controller
// and NIC that platform hands a guest, wherever QEMU 7.2 emulates them, and
// configures itself from that platform's metadata where it has a source:
// - metal on AHCI with an e1000e NIC, and on usb-storage behind xHCI;
// - aws on NVMe, its config from an IMDSv2 stand-in (token rules kept);
// - gcp on virtio-scsi, its config from the metadata server's user-data;
// - openstack on virtio (qcow2) with a config-2 config drive whose
//   network_data.json gives the NIC (found by its MAC) a static address and
//   a default route: the API is forwarded to that address only. Rebooted
//   once, to show the platform's network is applied again with the config
//   already in STATE;
// - hcloud on virtio, its config from the hetzner/v1 metadata service, and
//   its IPv6 address and gateway from that service's network-config;
// - vmware on PVSCSI with a VMXNET3 NIC, its config an OVF property in the
//   OVF environment on a CD (vSphere's ISO transport).
// The metadata stand-ins answer at 169.254.169.254:80 through QEMU's
// guestfwd, one stand-in process per connection. One boot per device model,
// and each shows all it must: the banner, the boot disk machined found on
// that controller, slot A committed, where the config came from, and the
// node API answering mutual TLS with it through the only NIC the machine
// has. (ENA, gVNIC, Hyper-V and mlx5 cannot be emulated:
// tests/integration/platform_drivers_test.cpp checks them in the kernel.
// metal's NVMe is the controller the aws boot uses, with the same kernel.)
#include <gtest/gtest.h>

#include <cstdio>
#include <map>

#include "base/base64.h"
#include "base/files.h"
#include "tests/support/bronzectl_cli.h"
#include "tests/support/image_fixture.h"
#include "tests/support/qemu.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;
constexpr const char* kVersion = "v1.0.0-devices";

struct DeviceModel {
  std::string platform;
  std::string disk_model;
  std::string nic_model;
  std::string boot_disk;  // the device machined must find the disk as
  // Where the config comes from: "" baked into the image (imager --config);
  // "metadata": the platform's metadata service; "config-2": a config drive;
  // "ovf-iso": an OVF environment on a CD.
  std::string config_source;
  std::map<std::string, std::string> metadata_files = {};  // path -> content, besides the user data
  std::string hostname = "";  // the hostname the node must set, from its platform
  // The guest address the API is forwarded to; "": whatever QEMU's DHCP
  // gives. Set, the address can only come from the platform's metadata.
  std::string static_address = "";
  std::vector<std::string> console_lines = {};  // each must show at every boot
  bool reboot_once = false;                      // then boot and check again
  std::string mac = "";                          // the NIC's, which the platform's metadata names
};

class DeviceModels : public ::testing::Test {
 protected:
  void SetUp() override {
    make_key_pair(dir_.path());
    gen_config(dir_.path() / "cluster", "devices");
  }

  // The platform's own output, as that platform's import would turn it into
  // a disk: an OVA's VMDK and GCP's disk.raw become raw disks.
  fs::path build_disk(const std::string& platform, bool baked_config) {
    fs::path out = dir_.path() / "out";
    auto argv = imager_build_argv(platform, out, kVersion, dir_.path() / "key.pem", {});
    if (baked_config) argv.insert(argv.end(), {"--config", (dir_.path() / "cluster/controlplane.yaml").string()});
    run_checked(argv);
    fs::path disk = dir_.path() / (platform + ".raw");
    if (platform == "vmware") {
      fs::path unpacked = dir_.path() / "ova";
      fs::create_directories(unpacked);
      run_checked({"tar", "-xf", (out / "vmware-amd64.ova").string(), "-C", unpacked.string()});
      fs::path vmdk;
      for (const auto& name : list_dir(unpacked)) {
        if (name.size() > 5 && name.substr(name.size() - 5) == ".vmdk") vmdk = unpacked / name;
      }
      EXPECT_FALSE(vmdk.empty()) << "no VMDK in the OVA: " << ::testing::PrintToString(list_dir(unpacked));
      run_checked({"qemu-img", "convert", "-O", "raw", vmdk.string(), disk.string()});
    } else if (platform == "gcp") {
      run_checked({"tar", "-xzf", (out / "gcp-amd64.tar.gz").string(), "-C", dir_.path().string(), "disk.raw"});
      fs::rename(dir_.path() / "disk.raw", disk);
    } else if (platform == "openstack") {
      run_checked({"cp", (out / "openstack-amd64.qcow2").string(), (dir_.path() / "openstack.qcow2").string()});
      return dir_.path() / "openstack.qcow2";
    } else {
      copy_sparse(out / (platform + "-amd64.raw"), disk);
    }
    return disk;
  }

  // The user data path of each platform's documented metadata API.
  static std::string user_data_path(const std::string& platform) {
    if (platform == "aws") return "/latest/user-data";
    if (platform == "gcp") return "/computeMetadata/v1/instance/attributes/user-data";
    if (platform == "hcloud") return "/hetzner/v1/userdata";
    ADD_FAILURE() << "no metadata path for " << platform;
    return "";
  }

  // QEMU's guestfwd runs the stand-in for each connection to
  // 169.254.169.254:80, serving these files.
  std::string metadata_options(const DeviceModel& model) {
    fs::path files = dir_.path() / "metadata";
    fs::create_directories(files);
    std::map<std::string, std::string> served = model.metadata_files;
    served[user_data_path(model.platform)] = read_file(dir_.path() / "cluster/controlplane.yaml");
    std::string cmd = std::string(BRONZE_METADATA_STANDIN) + " " + model.platform;
    int n = 0;
    for (const auto& [path, content] : served) {
      fs::path file = files / ("file" + std::to_string(n++));
      write_file(file, content);
      cmd += " " + path + "=" + file.string();
    }
    return ",net=169.254.0.0/16,guestfwd=tcp:169.254.169.254:80-cmd:" + cmd;
  }

  // An OpenStack config drive: ISO 9660 labelled config-2.
  fs::path config_drive() {
    fs::path tree = dir_.path() / "config-2";
    fs::create_directories(tree / "openstack/latest");
    write_file(tree / "openstack/latest/user_data", read_file(dir_.path() / "cluster/controlplane.yaml"));
    write_file(tree / "openstack/latest/meta_data.json", R"({"uuid": "d8e02d56", "hostname": "os-node"})");
    // As Nova writes it for a network without DHCP: the NIC by its MAC (in
    // capitals, as some clouds write it), a static address, a default route.
    write_file(tree / "openstack/latest/network_data.json", R"({
      "links": [{"id": "tapd8e02d56-01", "vif_id": "d8e02d56", "type": "ovs", "mtu": 1450,
                 "ethernet_mac_address": "FA:16:3E:00:00:01"}],
      "networks": [{"id": "network0", "type": "ipv4", "link": "tapd8e02d56-01", "ip_address": "10.0.2.60",
                    "netmask": "255.255.255.0", "network_id": "5a1c5d8e",
                    "routes": [{"network": "0.0.0.0", "netmask": "0.0.0.0", "gateway": "10.0.2.2"}]}],
      "services": [{"type": "dns", "address": "10.0.2.3"}]
    })");
    fs::path iso = dir_.path() / "config-2.iso";
    run_checked({"xorriso", "-as", "mkisofs", "-quiet", "-V", "config-2", "-J", "-R", "-o", iso.string(), tree.string()});
    return iso;
  }

  // vSphere's ISO transport: ovf-env.xml on a CD, the config base64 in the
  // property bronze.config, as vCenter writes the document.
  fs::path ovf_environment_cd() {
    fs::path tree = dir_.path() / "ovf-env";
    fs::create_directories(tree);
    std::string config = base64_encode(read_file(dir_.path() / "cluster/controlplane.yaml"));
    write_file(tree / "ovf-env.xml",
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<Environment xmlns=\"http://schemas.dmtf.org/ovf/environment/1\" "
               "xmlns:oe=\"http://schemas.dmtf.org/ovf/environment/1\" "
               "xmlns:ve=\"http://www.vmware.com/schema/ovfenv\" oe:id=\"\" ve:vCenterId=\"vm-42\">\n"
               "  <PlatformSection><Kind>VMware ESXi</Kind><Version>8.0.2</Version></PlatformSection>\n"
               "  <PropertySection>\n"
               "    <Property oe:key=\"bronze.config\" oe:value=\"" + config + "\"/>\n"
               "    <Property oe:key=\"hostname\" oe:value=\"vs-node\"/>\n"
               "  </PropertySection>\n"
               "</Environment>\n");
    fs::path iso = dir_.path() / "ovf-env.iso";
    run_checked({"xorriso", "-as", "mkisofs", "-quiet", "-V", "OVF ENV", "-J", "-R", "-o", iso.string(), tree.string()});
    return iso;
  }

  void boot_and_check(const DeviceModel& model) {
    fs::path disk = build_disk(model.platform, model.config_source.empty());
    int port = free_local_port();
    std::string endpoint = "127.0.0.1:" + std::to_string(port);
    QemuRun run;
    run.disk = disk;
    run.disk_model = model.disk_model;
    run.nic_model = model.nic_model;
    run.serial_log = dir_.path() / "console.log";
    run.timeout_seconds = 600;
    run.memory_mib = 1024;
    if (model.static_address.empty()) {
      run.api_port = port;
    } else {
      run.user_net_options = ",hostfwd=tcp:127.0.0.1:" + std::to_string(port) + "-" + model.static_address + ":50000";
    }
    run.allow_reboot = model.reboot_once;
    if (model.platform == "openstack") run.disk_format = "qcow2";
    if (model.config_source == "metadata") run.user_net_options += metadata_options(model);
    if (!model.mac.empty()) run.user_net_options += ",mac=" + model.mac;
    if (model.config_source == "config-2") {
      run.extra_args = {"-drive", "file=" + config_drive().string() + ",format=raw,if=virtio,readonly=on"};
    }
    if (model.config_source == "ovf-iso") {
      run.extra_args = {"-drive", "file=" + ovf_environment_cd().string() + ",format=raw,if=virtio,readonly=on"};
    }
    auto start = std::chrono::steady_clock::now();
    QemuMachine node(run);
    std::string what = model.platform + " on " + model.disk_model + " with " + model.nic_model;

    std::string banner = std::string("bronze ") + kVersion + " slot=A arch=amd64 platform=" + model.platform + " booted";
    ASSERT_TRUE(node.wait_for(banner, 420)) << what << ": no banner\n" << console_tail(node.console());
    ASSERT_TRUE(node.wait_for("machined: API on 0.0.0.0:50000", 240)) << what << "\n" << console_tail(node.console());
    std::string console = node.console();
    // The whole device name: the line ends right after it ("\r\n" on a serial console).
    std::string disk_line = "health: boot disk " + model.boot_disk;
    auto at = console.find(disk_line);
    bool whole = at != std::string::npos && at + disk_line.size() < console.size() &&
                 (console[at + disk_line.size()] == '\r' || console[at + disk_line.size()] == '\n');
    EXPECT_TRUE(whole) << what << ": machined did not find its disk as " << model.boot_disk << "\n" << console_tail(console);
    EXPECT_NE(console.find(std::string("bronze ") + kVersion + " slot=A already committed"), std::string::npos)
        << what << "\n" << console_tail(console);
    if (!model.hostname.empty()) {
      EXPECT_NE(console.find("machined: hostname " + model.hostname), std::string::npos) << what << "\n"
                                                                                       << console_tail(console);
    }
    if (!model.config_source.empty()) {
      std::string got = "platform: " + model.platform + ": got " +
                        std::to_string(read_file(dir_.path() / "cluster/controlplane.yaml").size()) + " bytes from ";
      EXPECT_NE(console.find(got), std::string::npos) << what << "\n" << console_tail(console);
      EXPECT_NE(console.find("machined: machine config put into STATE"), std::string::npos)
          << what << "\n" << console_tail(console);
    }
    // The only NIC is the platform's: the API through it proves it came up.
    ASSERT_TRUE(wait_for_version(dir_.path() / "cluster/bronzeconfig", endpoint, kVersion, 180))
        << what << ": the API did not answer through the " << model.nic_model << " NIC\n" << console_tail(node.console());
    auto version = run_bronzectl({"--bronzeconfig", (dir_.path() / "cluster/bronzeconfig").string(), "-e", endpoint,
                                  "-n", endpoint, "version"});
    EXPECT_EQ(version.exit_code, 0) << version.err;
    EXPECT_NE(version.out.find(model.platform), std::string::npos) << version.out;
    std::printf("%s: power-on to the API answering: %.1f s\n", what.c_str(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    for (const auto& line : model.console_lines) {
      EXPECT_NE(console.find(line), std::string::npos) << what << ": no \"" << line << "\"\n" << console_tail(console);
    }
    if (model.reboot_once) {
      auto reboot = run_bronzectl({"--bronzeconfig", (dir_.path() / "cluster/bronzeconfig").string(), "-e", endpoint,
                                   "-n", endpoint, "reboot"});
      ASSERT_EQ(reboot.exit_code, 0) << reboot.err;
      ASSERT_TRUE(node.wait_for("machined: API on 0.0.0.0:50000", 420, 2)) << what << ": no second boot\n"
                                                                          << console_tail(node.console());
      std::string both = node.console();
      std::string second = both.substr(both.rfind(banner));
      for (const auto& line : model.console_lines) {
        EXPECT_NE(second.find(line), std::string::npos) << what << ", second boot: no \"" << line << "\"\n"
                                                       << console_tail(second);
      }
      EXPECT_EQ(second.find("machine config put into STATE"), std::string::npos)
          << what << ": the second boot must take its config from STATE\n" << console_tail(second);
      ASSERT_TRUE(wait_for_version(dir_.path() / "cluster/bronzeconfig", endpoint, kVersion, 180))
          << what << ": the API did not answer after the reboot\n" << console_tail(node.console());
    }
    node.stop();
  }

  TempDir dir_{"bronze-device-models"};
};

TEST_F(DeviceModels, MetalOnAhciWithE1000e) { boot_and_check({"metal", "ahci", "e1000e", "/dev/sda", ""}); }

TEST_F(DeviceModels, MetalOnUsbStorageBehindXhci) { boot_and_check({"metal", "usb", "virtio-net-pci", "/dev/sda", ""}); }

TEST_F(DeviceModels, AwsOnNvmeConfiguredFromImdsV2) {
  boot_and_check({"aws", "nvme", "virtio-net-pci", "/dev/nvme0n1", "metadata",
                  {{"/latest/meta-data/local-hostname", "ip-169-254-0-15"}}, "ip-169-254-0-15"});
}

TEST_F(DeviceModels, GcpOnVirtioScsiConfiguredFromTheMetadataServer) {
  boot_and_check({"gcp", "virtio-scsi", "virtio-net-pci", "/dev/sda", "metadata"});
}

TEST_F(DeviceModels, OpenStackOnVirtioConfiguredFromAConfigDrive) {
  DeviceModel model{"openstack", "virtio", "virtio-net-pci", "/dev/vda", "config-2", {}, "os-node"};
  model.static_address = "10.0.2.60";
  model.mac = "fa:16:3e:00:00:01";
  model.console_lines = {
      "platform: openstack: network from the config drive's network_data.json: eth0 10.0.2.60/24; DNS 10.0.2.3",
      "network: eth0: up, mtu 1450, no DHCP (removed what the kernel's DHCP had set: 10.0.2.15/24",
      ", 10.0.2.60/24",
      "network: eth0: route 0.0.0.0/0 via 10.0.2.2",
      "network: resolv.conf: nameserver 10.0.2.3 (from the platform's metadata)",
      "machined: hostname os-node"};
  model.reboot_once = true;
  boot_and_check(model);
}

TEST_F(DeviceModels, HcloudOnVirtioConfiguredFromItsMetadataService) {
  // Hetzner's metadata: IPv4 by DHCP, the public IPv6 static behind fe80::1.
  DeviceModel model{"hcloud", "virtio", "virtio-net-pci", "/dev/vda", "metadata"};
  model.mac = "96:00:00:2b:2a:ff";
  model.metadata_files = {{"/hetzner/v1/metadata",
                           "hostname: hc-node\ninstance-id: 42\nnetwork-config:\n  version: 1\n  config:\n"
                           "  - type: physical\n    name: eth0\n    mac_address: 96:00:00:2b:2a:ff\n    subnets:\n"
                           "    - {type: dhcp, ipv4: true, dns_nameservers: [10.0.2.3]}\n"
                           "    - {type: static, ipv6: true, address: '2001:db8:1::5/64', gateway: 'fe80::1'}\n"}};
  model.console_lines = {
      "platform: hcloud: network from the server's hetzner/v1/metadata: eth0 DHCP 2001:db8:1::5/64; DNS 10.0.2.3",
      "network: eth0: up, DHCP (the kernel's answer kept), 2001:db8:1::5/64",
      "network: eth0: route ::/0 via fe80::1",
      "machined: hostname hc-node"};
  boot_and_check(model);
}

TEST_F(DeviceModels, VmwareOnPvscsiWithVmxnet3ConfiguredFromTheOvfEnvironment) {
  boot_and_check({"vmware", "pvscsi", "vmxnet3", "/dev/sda", "ovf-iso", {}, "vs-node"});
}

}  // namespace
}  // namespace bronze::test
