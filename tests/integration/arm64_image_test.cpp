// The metal image and the installer image for arm64, inspected without
// booting them: UEFI-only GRUB (BOOTAA64.EFI, no BIOS boot code), a slot
// whose signed manifest says arm64, and arm64 programs with arm64 libraries
// in the root filesystem, the initramfs and the installer image.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/files.h"
#include "base/subprocess.h"
#include "rootfs/elf_deps.h"
#include "tests/support/arm64_image.h"
#include "tests/support/image_fixture.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
constexpr const char* kVersion = "v1.0.0-arm64";

class Arm64ImageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("bronze-arm64-image-test");
    make_key_pair(dir_->path());
    run_checked(arm64_imager_argv("metal", out(), kVersion, dir_->path() / "key.pem"));
    run_checked(arm64_imager_argv("installer", out(), kVersion, dir_->path() / "key.pem"));
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static fs::path out() { return dir_->path() / "out"; }
  static fs::path raw() { return out() / "metal-arm64.raw"; }

  // Start and size (in bytes) of a partition, from sfdisk.
  static std::pair<uint64_t, uint64_t> partition(const std::string& name) {
    auto table = json::parse(run_checked({"sfdisk", "--json", raw().string()}).out)["partitiontable"];
    for (const auto& p : table["partitions"]) {
      if (p["name"] == name) return {p["start"].get<uint64_t>() * 512, p["size"].get<uint64_t>() * 512};
    }
    throw Error("no partition " + name + " in " + raw().string());
  }

  static TempDir* dir_;
};
TempDir* Arm64ImageTest::dir_ = nullptr;

TEST_F(Arm64ImageTest, EspHoldsGrubForArm64Uefi) {
  std::string esp = raw().string() + "@@" + std::to_string(partition("EFI").first);
  RunOptions mtools{{{"MTOOLS_SKIP_CHECK", "1"}}, {}, {}};
  auto listing = run_checked({"mdir", "-/", "-b", "-i", esp, "::/"}, mtools).out;
  EXPECT_NE(listing.find("::/EFI/BOOT/BOOTAA64.EFI"), std::string::npos) << listing;
  EXPECT_EQ(listing.find("BOOTX64.EFI"), std::string::npos) << listing;
  EXPECT_NE(listing.find("::/boot/grub/grub.cfg"), std::string::npos) << listing;
  // A PE image for arm64: machine 0xaa64 in its COFF header.
  fs::path efi = dir_->path() / "BOOTAA64.EFI";
  run_checked({"mcopy", "-n", "-i", esp, "::/EFI/BOOT/BOOTAA64.EFI", efi.string()}, mtools);
  std::string pe = read_file(efi);
  ASSERT_GT(pe.size(), 0x40u);
  uint32_t coff = 0;
  for (int i = 3; i >= 0; --i) coff = (coff << 8) | static_cast<uint8_t>(pe[0x3c + i]);
  ASSERT_LT(coff + 6, pe.size());
  EXPECT_EQ(pe.substr(coff, 4), std::string("PE\0\0", 4));
  EXPECT_EQ(static_cast<uint8_t>(pe[coff + 4]) | (static_cast<uint8_t>(pe[coff + 5]) << 8), 0xaa64);
}

TEST_F(Arm64ImageTest, NoBiosBootCodeButTheSameLayout) {
  std::string mbr = read_at(raw(), 0, 512);
  EXPECT_EQ(mbr.find("GRUB"), std::string::npos) << "boot.img in the MBR of a UEFI-only disk";
  EXPECT_EQ(static_cast<uint8_t>(mbr[0x1c2]), 0xee) << "no protective MBR entry";
  // The BIOS boot partition stays, empty, so partitions number alike on every arch.
  auto [start, size] = partition("BIOS");
  EXPECT_EQ(read_at(raw(), start, size), std::string(size, '\0'));
  for (const char* name : {"BOOT-A", "BOOT-B", "META", "STATE", "EPHEMERAL"}) EXPECT_NO_THROW(partition(name)) << name;
}

TEST_F(Arm64ImageTest, SlotManifestSaysArm64) {
  auto r = run_imager({"verify", "--json", "--key", (dir_->path() / "key.pub").string(), raw().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = json::parse(r.out);
  EXPECT_EQ(doc["arch"], "arm64");
  EXPECT_EQ(doc["name"], "metal-arm64");
  auto manifest = json::parse(read_file(out() / "metal-arm64.manifest.json"));
  EXPECT_EQ(manifest["arch"], "arm64");
  std::string cmdline = manifest["cmdline"];
  EXPECT_NE(cmdline.find("console=ttyAMA0,115200n8"), std::string::npos) << cmdline;
}

TEST_F(Arm64ImageTest, RootfsAndInitramfsHoldArm64Programs) {
  fs::path rootfs = dir_->path() / "rootfs";
  run_checked({"unsquashfs", "-q", "-d", rootfs.string(), (out() / "metal-arm64" / "rootfs.sqfs").string()});
  EXPECT_EQ(rootfs::elf_arch(rootfs / "sbin/machined"), "arm64");
  for (const char* library : {"lib/ld-linux-aarch64.so.1", "lib/aarch64-linux-gnu/libc.so.6",
                              "lib/aarch64-linux-gnu/libstdc++.so.6"}) {
    ASSERT_TRUE(fs::exists(rootfs / library)) << library;
    EXPECT_EQ(rootfs::elf_arch(rootfs / library), "arm64") << library;
  }
  EXPECT_NE(read_file(rootfs / "etc/os-release").find("BRONZE_ARCH=arm64\n"), std::string::npos);

  // A plain cpio, not compressed (see initramfs.h).
  fs::path cpio = out() / "metal-arm64" / "initramfs.img";
  fs::path unpacked = dir_->path() / "initramfs";
  fs::create_directories(unpacked);
  run_checked({"cpio", "-id", "--quiet", "-F", cpio.string(), "-D", unpacked.string(), "init"});
  EXPECT_EQ(rootfs::elf_arch(unpacked / "init"), "arm64");
  EXPECT_TRUE(rootfs::read_elf_info(unpacked / "init").interpreter.empty()) << "init is not static";
}

TEST_F(Arm64ImageTest, InstallerImageCarriesTheArm64InstallerAndItsLoader) {
  fs::path oci = dir_->path() / "oci";
  fs::create_directories(oci);
  run_checked({"tar", "-xf", (out() / "installer-arm64.tar").string(), "-C", oci.string()});
  auto blob = [&](const std::string& digest) { return oci / "blobs" / "sha256" / digest.substr(digest.find(':') + 1); };
  auto index = json::parse(read_file(oci / "index.json"));
  auto image_manifest = json::parse(read_file(blob(index["manifests"][0]["digest"])));
  auto config = json::parse(read_file(blob(image_manifest["config"]["digest"])));
  EXPECT_EQ(config["architecture"], "arm64");
  fs::path layer = dir_->path() / "layer";
  fs::create_directories(layer);
  run_checked({"tar", "-xf", blob(image_manifest["layers"][0]["digest"]).string(), "-C", layer.string()});
  EXPECT_EQ(rootfs::elf_arch(layer / "bin/installer"), "arm64");
  EXPECT_EQ(rootfs::read_elf_info(layer / "bin/installer").interpreter, "/lib/ld-linux-aarch64.so.1");
  EXPECT_EQ(rootfs::elf_arch(layer / "lib/ld-linux-aarch64.so.1"), "arm64");
}

}  // namespace
}  // namespace bronze::test
