#include "imager/profile/platform.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/files.h"
#include "base/units.h"

namespace bronze::imager {

namespace {

const char* kGood = R"(name: metal
arch: [amd64]
console:
  amd64: ["ttyS0,115200n8"]
kernel_args: [ip=dhcp]
disk:
  size: 1GiB
  boot_size: 128MiB
format: raw
)";

std::string error_of(const std::string& yaml) {
  try {
    parse_platform(yaml, "metal.yaml");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Platform, ParsesAGoodFile) {
  Platform p = parse_platform(kGood, "metal.yaml");
  EXPECT_EQ(p.name, "metal");
  EXPECT_TRUE(p.supports("amd64"));
  EXPECT_FALSE(p.supports("arm64"));
  EXPECT_EQ(p.consoles.at("amd64").at(0), "ttyS0,115200n8");
  EXPECT_EQ(p.kernel_args.at(0), "ip=dhcp");
  EXPECT_EQ(p.disk_size, GiB);
  EXPECT_EQ(p.boot_size, 128 * MiB);
}

TEST(Platform, UnknownKeyNamesFileLineAndColumn) {
  std::string yaml = std::string(kGood) + "colour: blue\n";
  std::string msg = error_of(yaml);
  EXPECT_NE(msg.find("metal.yaml:10:1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("colour"), std::string::npos) << msg;
}

TEST(Platform, WrongTypesAndBadValuesAreErrors) {
  std::string yaml = kGood;
  EXPECT_NE(error_of(std::string(yaml).replace(yaml.find("[amd64]"), 7, "amd64")).find("list"), std::string::npos);
  EXPECT_NE(error_of(std::string(yaml).replace(yaml.find("[amd64]"), 7, "[sparc]")).find("sparc"), std::string::npos);
  EXPECT_NE(error_of(std::string(yaml).replace(yaml.find("1GiB"), 4, "1GB")).find("disk.size"), std::string::npos);
  EXPECT_NE(error_of(std::string(yaml).replace(yaml.find("format: raw"), 11, "format: floppy")).find("floppy"), std::string::npos);
  EXPECT_NE(error_of("name: [unclosed").find("malformed YAML"), std::string::npos);
}

TEST(Platform, MissingFieldIsNamed) {
  std::string yaml = kGood;
  yaml.erase(yaml.find("format: raw"));
  EXPECT_NE(error_of(yaml).find("'format'"), std::string::npos);
}

TEST(Platform, ShippedPlatformsParse) {
  for (const auto& name : list_platforms(std::filesystem::path(BRONZE_SOURCE_DIR) / "platforms")) {
    EXPECT_NO_THROW(load_platform(std::filesystem::path(BRONZE_SOURCE_DIR) / "platforms", name)) << name;
  }
  EXPECT_THROW(load_platform(std::filesystem::path(BRONZE_SOURCE_DIR) / "platforms", "amiga"), Error);
}

TEST(Platform, ArmPlatformsUseTheirSerialConsole) {
  std::filesystem::path dir = std::filesystem::path(BRONZE_SOURCE_DIR) / "platforms";
  for (const char* name : {"metal", "qemu"}) {
    Platform p = load_platform(dir, name);
    EXPECT_TRUE(p.supports("arm64")) << name;
    // The PL011 UART of QEMU's virt machine, last: /dev/console.
    EXPECT_EQ(p.consoles.at("arm64").back(), "ttyAMA0,115200n8") << name;
  }
  // The imager's bad-input suite counts on one platform without arm64.
  EXPECT_FALSE(load_platform(dir, "digitalocean").supports("arm64"));
}

TEST(Platform, ReadsKernelDrivers) {
  std::string yaml = std::string(kGood) + R"(kernel_drivers:
  - {option: BLK_DEV_NVME, module: nvme, for: "NVMe disks"}
  - {option: FB_EFI, arch: amd64, for: "the console on the screen"}
)";
  Platform p = parse_platform(yaml, "metal.yaml");
  ASSERT_EQ(p.kernel_drivers.size(), 2u);
  EXPECT_EQ(p.kernel_drivers[0], (KernelDriver{"BLK_DEV_NVME", "nvme", "", "NVMe disks"}));
  EXPECT_EQ(p.kernel_drivers[1], (KernelDriver{"FB_EFI", "", "amd64", "the console on the screen"}));
  EXPECT_EQ(p.drivers_for("amd64").size(), 2u);
  EXPECT_EQ(p.drivers_for("arm64").size(), 1u);
}

TEST(Platform, RefusesBadKernelDrivers) {
  auto with = [](const std::string& entry) { return error_of(std::string(kGood) + "kernel_drivers:\n  - " + entry + "\n"); };
  EXPECT_NE(with("{option: CONFIG_E1000, for: x}").find("without CONFIG_"), std::string::npos);
  EXPECT_NE(with("{option: e1000, for: x}").find("not a Kconfig option name"), std::string::npos);
  EXPECT_NE(with("{option: E1000}").find("'for'"), std::string::npos);
  EXPECT_NE(with("{option: E1000, for: x, arch: arm64}").find("does not have"), std::string::npos);
  EXPECT_NE(with("{option: E1000, for: x, colour: blue}").find("colour"), std::string::npos);
  std::string twice = error_of(std::string(kGood) + "kernel_drivers:\n  - {option: E1000, for: x}\n  - {option: E1000, for: y}\n");
  EXPECT_NE(twice.find("listed twice"), std::string::npos) << twice;
}

// Every platform names the drivers its guests need, and each one has a row
// in kernel/README.md's table, so the document stays true.
TEST(Platform, ShippedPlatformsNameTheirDriversAndTheKernelReadmeListsThem) {
  std::filesystem::path source(BRONZE_SOURCE_DIR);
  std::string readme = read_file(source / "kernel/README.md");
  for (const auto& name : list_platforms(source / "platforms")) {
    Platform p = load_platform(source / "platforms", name);
    EXPECT_FALSE(p.kernel_drivers.empty()) << name << " names no kernel_drivers";
    for (const auto& d : p.kernel_drivers) {
      EXPECT_NE(readme.find("`" + d.option + "`"), std::string::npos)
          << name << " needs " << d.option << ", which kernel/README.md does not list";
    }
  }
}

}  // namespace bronze::imager
