#include "imager/profile/platform.h"

#include <gtest/gtest.h>

#include "base/error.h"
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

}  // namespace bronze::imager
