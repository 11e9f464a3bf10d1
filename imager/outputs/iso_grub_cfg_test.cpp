#include "imager/outputs/iso_grub_cfg.h"

#include <gtest/gtest.h>

namespace bronze::imager {
namespace {

TEST(IsoGrubCfg, BootsTheImageCmdlineLiveOnSerialAndScreen) {
  std::string cfg = iso_grub_cfg("v1.2.3", "console=ttyS0,115200n8 ip=dhcp bronze.platform=metal", "amd64");
  EXPECT_NE(cfg.find("linux /boot/vmlinuz console=ttyS0,115200n8 ip=dhcp bronze.platform=metal bronze.slot=live "
                     "bronze.maintenance\n"),
            std::string::npos)
      << cfg;
  // The image, then the installation template init hands to machined.
  EXPECT_NE(cfg.find("initrd /boot/initramfs.img /boot/install.img\n"), std::string::npos) << cfg;
  EXPECT_NE(cfg.find("terminal_output serial console\n"), std::string::npos) << cfg;
  EXPECT_NE(cfg.find("menuentry 'Bronze v1.2.3 (live, maintenance mode)' --id live {"), std::string::npos) << cfg;
}

// arm64-efi has no com0 to set up: the firmware's console is the serial line.
TEST(IsoGrubCfg, Arm64LeavesTheConsoleToTheFirmware) {
  std::string cfg = iso_grub_cfg("v1.2.3", "console=ttyAMA0 ip=dhcp bronze.platform=metal", "arm64");
  EXPECT_EQ(cfg.find("serial"), std::string::npos) << cfg;
  EXPECT_EQ(cfg.find("terminal_"), std::string::npos) << cfg;
  EXPECT_NE(cfg.find("linux /boot/vmlinuz console=ttyAMA0 ip=dhcp bronze.platform=metal bronze.slot=live "
                     "bronze.maintenance\n"),
            std::string::npos)
      << cfg;
  EXPECT_NE(cfg.find("initrd /boot/initramfs.img /boot/install.img\n"), std::string::npos) << cfg;
}

TEST(IsoGrubCfg, QuotesWhatGrubsLexerWouldTakeApart) {
  EXPECT_EQ(grub_quote("ip=dhcp"), "ip=dhcp");
  EXPECT_EQ(grub_quote("a;b"), "'a;b'");
  EXPECT_EQ(grub_quote("$x"), "'$x'");
  EXPECT_EQ(grub_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(grub_quote(""), "''");
}

}  // namespace
}  // namespace bronze::imager
