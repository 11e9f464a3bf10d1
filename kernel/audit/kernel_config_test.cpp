#include <gtest/gtest.h>

#include "kernel/audit/kernel_config.h"
#include "kernel/audit/kernel_version.h"

namespace bronze::kspp {
namespace {

TEST(KernelConfigTest, ReadsValuesNotSetAndAbsentOptions) {
  auto config = KernelConfig::parse(
      "CONFIG_BUG=y\n"
      "CONFIG_MODULES=m\n"
      "# CONFIG_DEVMEM is not set\n"
      "CONFIG_DEFAULT_MMAP_MIN_ADDR=65536\n"
      "CONFIG_MAGIC_SYSRQ_DEFAULT_ENABLE=0x1\n");
  EXPECT_EQ(config.raw("BUG"), "y");
  EXPECT_EQ(config.raw("MODULES"), "m");
  EXPECT_EQ(config.raw("DEVMEM"), "n");
  EXPECT_TRUE(config.mentioned("DEVMEM"));
  EXPECT_FALSE(config.mentioned("KEXEC"));
  EXPECT_EQ(config.raw("KEXEC"), std::nullopt);
  EXPECT_EQ(config.value("DEFAULT_MMAP_MIN_ADDR"), "65536");
  EXPECT_EQ(config.value("MAGIC_SYSRQ_DEFAULT_ENABLE"), "0x1");
  EXPECT_EQ(config.size(), 5u);
}

TEST(KernelConfigTest, ToleratesTheConfigPrefixInQueries) {
  auto config = KernelConfig::parse("CONFIG_BUG=y\n");
  EXPECT_EQ(config.raw("CONFIG_BUG"), "y");
}

TEST(KernelConfigTest, UnquotesStringsButKeepsTheRawForm) {
  auto config = KernelConfig::parse(
      "CONFIG_LSM=\"landlock,lockdown,yama\"\n"
      "CONFIG_CMDLINE=\"say \\\"hi\\\" \\\\ bye\"\n"
      "CONFIG_EMPTY=\"\"\n");
  EXPECT_EQ(config.raw("LSM"), "\"landlock,lockdown,yama\"");
  EXPECT_EQ(config.value("LSM"), "landlock,lockdown,yama");
  EXPECT_EQ(config.value("CMDLINE"), "say \"hi\" \\ bye");
  EXPECT_EQ(config.value("EMPTY"), "");
}

TEST(KernelConfigTest, IgnoresCommentsBlankLinesAndJunk) {
  auto config = KernelConfig::parse(
      "\n# General setup\n#\nCONFIG_BUG=y\r\nnot a config line\nCONFIG_=y\nCONFIG_BAD NAME=y\n"
      "# CONFIG_X is set to something\n");
  EXPECT_EQ(config.size(), 1u);
  EXPECT_EQ(config.raw("BUG"), "y");
}

TEST(KernelConfigTest, LaterLinesWin) {
  auto config = KernelConfig::parse("CONFIG_BUG=y\n# CONFIG_BUG is not set\n");
  EXPECT_EQ(config.raw("BUG"), "n");
}

TEST(KernelConfigTest, TakesVersionFromTheHeader) {
  auto config = KernelConfig::parse("#\n# Linux/x86 6.1.192 Kernel Configuration\n#\nCONFIG_X86_64=y\n");
  ASSERT_TRUE(config.version().has_value());
  EXPECT_EQ(config.version()->str(), "6.1.192");
  EXPECT_EQ(config.arch(), "amd64");

  auto arm = KernelConfig::parse("# Linux/arm64 6.6.0-rc1 Kernel Configuration\nCONFIG_ARM64=y\n");
  ASSERT_TRUE(arm.version().has_value());
  EXPECT_EQ(arm.version()->str(), "6.6.0");
  EXPECT_EQ(arm.arch(), "arm64");
}

TEST(KernelConfigTest, NoHeaderMeansNoVersionAndNoArchSymbolMeansNoArch) {
  auto config = KernelConfig::parse("CONFIG_BUG=y\n");
  EXPECT_FALSE(config.version().has_value());
  EXPECT_EQ(config.arch(), "");
}

TEST(KernelVersionTest, ParsesAndCompares) {
  EXPECT_EQ(KernelVersion::parse("6.1")->str(), "6.1.0");
  EXPECT_EQ(KernelVersion::parse("6.1.192")->str(), "6.1.192");
  EXPECT_EQ(KernelVersion::parse("6.1.0-56-cloud-amd64")->str(), "6.1.0");
  EXPECT_FALSE(KernelVersion::parse("6").has_value());
  EXPECT_FALSE(KernelVersion::parse("six.one").has_value());
  EXPECT_FALSE(KernelVersion::parse("6.1x").has_value());
  EXPECT_FALSE(KernelVersion::parse("").has_value());
  EXPECT_LT(*KernelVersion::parse("6.1.192"), *KernelVersion::parse("6.2"));
  EXPECT_LT(*KernelVersion::parse("5.19"), *KernelVersion::parse("6.1"));
  EXPECT_LT(*KernelVersion::parse("6.1.9"), *KernelVersion::parse("6.1.10"));
  EXPECT_TRUE(KernelVersion::parse("6.1.5")->same_series(*KernelVersion::parse("6.1.192")));
  EXPECT_FALSE(KernelVersion::parse("6.1.5")->same_series(*KernelVersion::parse("6.6")));
}

}  // namespace
}  // namespace bronze::kspp
