// The built metal image, inspected with the tools its users have: sfdisk,
// blkid, fsck.vfat, e2fsck, unsquashfs, cpio. Then signature verification,
// tampering, and reproducibility.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>

#include "base/files.h"
#include "base/sha256.h"
#include "base/subprocess.h"
#include "tests/support/image_fixture.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr uint64_t MiB = 1024 * 1024;
constexpr const char* kVersion = "v1.0.0-test";

class ImageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("bronze-image-test");
    make_key_pair(dir_->path(), "key");
    make_key_pair(dir_->path(), "other");
    build_image(out(), kVersion, dir_->path() / "key.pem");
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  static fs::path out() { return dir_->path() / "out"; }
  static fs::path raw() { return out() / "metal-amd64.raw"; }
  static fs::path key() { return dir_->path() / "key.pub"; }

  struct Part {
    uint64_t start = 0, size = 0;  // sectors
    std::string type, name, uuid;
  };
  static std::map<std::string, Part> partitions(const fs::path& disk) {
    auto table = json::parse(run_checked({"sfdisk", "--json", disk.string()}).out)["partitiontable"];
    EXPECT_EQ(table["label"], "gpt");
    std::map<std::string, Part> out;
    for (const auto& p : table["partitions"]) {
      Part part{p["start"].get<uint64_t>(), p["size"].get<uint64_t>(), p["type"], p["name"], p["uuid"]};
      out[part.name] = part;
    }
    return out;
  }
  // Copies one partition out with dd, for the filesystem checkers.
  static fs::path extract(const std::string& name) {
    Part p = partitions(raw()).at(name);
    fs::path file = dir_->path() / (name + ".img");
    run_checked({"dd", "if=" + raw().string(), "of=" + file.string(), "bs=512", "skip=" + std::to_string(p.start),
                 "count=" + std::to_string(p.size), "conv=sparse", "status=none"});
    return file;
  }

  static TempDir* dir_;
};
TempDir* ImageTest::dir_ = nullptr;

TEST_F(ImageTest, GptMatchesTheDesignLayout) {
  auto parts = partitions(raw());
  struct Want {
    const char* name;
    const char* type;
    uint64_t size_mib;  // 0: the rest
  };
  const Want wants[] = {{"EFI", "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", 100},
                        {"BIOS", "21686148-6449-6E6F-744E-656564454649", 1},
                        {"BOOT-A", "0FC63DAF-8483-4772-8E79-3D69D8477DE4", 128},
                        {"BOOT-B", "0FC63DAF-8483-4772-8E79-3D69D8477DE4", 128},
                        {"META", "0FC63DAF-8483-4772-8E79-3D69D8477DE4", 1},
                        {"STATE", "0FC63DAF-8483-4772-8E79-3D69D8477DE4", 100},
                        {"EPHEMERAL", "0FC63DAF-8483-4772-8E79-3D69D8477DE4", 0}};
  ASSERT_EQ(parts.size(), 7u);
  uint64_t expected_start = MiB / 512;
  for (const auto& w : wants) {
    ASSERT_TRUE(parts.count(w.name)) << w.name;
    const Part& p = parts[w.name];
    EXPECT_EQ(p.type, w.type) << w.name;
    EXPECT_EQ(p.start % (MiB / 512), 0u) << w.name << " is not 1 MiB aligned";
    EXPECT_EQ(p.start, expected_start) << w.name;
    if (w.size_mib) {
      EXPECT_EQ(p.size, w.size_mib * MiB / 512) << w.name;
    } else {
      EXPECT_GE(p.size, 64 * MiB / 512) << w.name;
    }
    expected_start = p.start + p.size;
  }
  EXPECT_EQ(fs::file_size(raw()), 1024 * MiB);
}

TEST_F(ImageTest, FilesystemsAreLabelledAndClean) {
  std::map<std::string, std::string> type_of = {{"EFI", "vfat"}, {"BOOT-A", "ext4"}, {"BOOT-B", "ext4"}, {"STATE", "ext4"}};
  for (const auto& [name, type] : type_of) {
    fs::path part = extract(name);
    auto blkid = run_checked({"blkid", "-p", "-o", "export", part.string()}).out;
    EXPECT_NE(blkid.find("TYPE=" + type + "\n"), std::string::npos) << name << ": " << blkid;
    EXPECT_NE(blkid.find("LABEL=" + name + "\n"), std::string::npos) << name << ": " << blkid;
    if (type == "vfat") {
      auto r = run({"fsck.vfat", "-n", part.string()});
      EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    } else {
      auto r = run({"e2fsck", "-fn", part.string()});
      EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    }
  }
}

TEST_F(ImageTest, EspHoldsGrubAndTheBootState) {
  fs::path esp = extract("EFI");
  auto listing = run_checked({"mdir", "-/", "-b", "-i", esp.string(), "::/"}, RunOptions{{{"MTOOLS_SKIP_CHECK", "1"}}, {}, {}}).out;
  for (const char* f : {"::/EFI/BOOT/BOOTX64.EFI", "::/boot/grub/grub.cfg", "::/boot/grub/state-1.env",
                        "::/boot/grub/state-2.env", "::/boot/grub/tally.env"}) {
    EXPECT_NE(listing.find(f), std::string::npos) << f << " missing from\n" << listing;
  }
}

TEST_F(ImageTest, BiosBootCodeIsInPlace) {
  std::string mbr = read_at(raw(), 0, 512);
  EXPECT_EQ(static_cast<uint8_t>(mbr[510]), 0x55);
  EXPECT_EQ(static_cast<uint8_t>(mbr[511]), 0xaa);
  EXPECT_NE(mbr.find("GRUB"), std::string::npos) << "boot.img is not in the MBR";
  EXPECT_EQ(static_cast<uint8_t>(mbr[0x1c2]), 0xee) << "the protective MBR entry was lost";
  // boot.img points at core.img, the first sector of the BIOS boot partition.
  uint64_t kernel_sector = 0;
  for (int i = 7; i >= 0; --i) kernel_sector = (kernel_sector << 8) | static_cast<uint8_t>(mbr[0x5c + i]);
  EXPECT_EQ(kernel_sector, partitions(raw()).at("BIOS").start);
}

TEST_F(ImageTest, RootfsHoldsMachinedAndItsLibrariesAndInitramfsHoldsInit) {
  auto listing = run_checked({"unsquashfs", "-l", "-d", "", (out() / "metal-amd64" / "rootfs.sqfs").string()}).out;
  for (const char* f : {"/sbin/machined", "/etc/os-release", "/etc/bronze/trust/image-signing.pub",
                        "/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
                        "/lib64/ld-linux-x86-64.so.2"}) {
    EXPECT_NE(listing.find(std::string(f) + "\n"), std::string::npos) << f << " missing from\n" << listing;
  }
  auto owners = run_checked({"unsquashfs", "-lln", (out() / "metal-amd64" / "rootfs.sqfs").string()}).out;
  // DNS: resolv.conf is what machined writes to the tmpfs /run at boot.
  EXPECT_NE(owners.find("/etc/resolv.conf -> ../run/resolv.conf"), std::string::npos) << owners;
  EXPECT_EQ(owners.find(" 1000/"), std::string::npos) << "a file is not owned by root:\n" << owners;

  // A plain cpio, not compressed (see initramfs.h).
  fs::path cpio = out() / "metal-amd64" / "initramfs.img";
  auto entries = run_checked({"cpio", "-it", "--quiet", "-F", cpio.string()}).out;
  EXPECT_EQ(entries, "dev\ndev/console\ninit\nrootfs.sqfs\n");
  // init is static: it runs before any library is there.
  fs::path unpacked = dir_->path() / "initramfs";
  fs::create_directories(unpacked);
  run_checked({"cpio", "-id", "--quiet", "-F", cpio.string(), "-D", unpacked.string(), "init"});
  auto headers = run_checked({"readelf", "-l", (unpacked / "init").string()}).out;
  EXPECT_EQ(headers.find("program interpreter"), std::string::npos) << "init is not statically linked";
}

TEST_F(ImageTest, ManifestCarriesVersionCmdlineAndDigests) {
  auto manifest = json::parse(read_file(out() / "metal-amd64.manifest.json"));
  EXPECT_EQ(manifest["version"], kVersion);
  EXPECT_EQ(manifest["arch"], "amd64");
  EXPECT_EQ(manifest["platform"], "metal");
  std::string cmdline = manifest["cmdline"];
  EXPECT_NE(cmdline.find("console=ttyS0"), std::string::npos);
  EXPECT_NE(cmdline.find("bronze.platform=metal"), std::string::npos);
  std::map<std::string, std::string> digests;
  for (const auto& a : manifest["artifacts"]) digests[a["name"]] = a["sha256"];
  EXPECT_EQ(digests.at("vmlinuz"), sha256_file_hex(kernel_image()));
  EXPECT_EQ(digests.at("initramfs.img"), sha256_file_hex(out() / "metal-amd64" / "initramfs.img"));
  EXPECT_EQ(digests.at("rootfs.sqfs"), sha256_file_hex(out() / "metal-amd64" / "rootfs.sqfs"));
  // The version shows in os-release too.
  fs::path extracted = dir_->path() / "sq";
  run_checked({"unsquashfs", "-q", "-d", extracted.string(), (out() / "metal-amd64" / "rootfs.sqfs").string(), "etc/os-release"});
  EXPECT_NE(read_file(extracted / "etc/os-release").find(std::string("VERSION=\"") + kVersion + "\""), std::string::npos);
}

TEST_F(ImageTest, VerifyAcceptsTheImageAndRefusesAnotherKey) {
  auto ok = run_imager({"verify", "--key", key().string(), raw().string()});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("verified metal-amd64"), std::string::npos) << ok.out;
  auto ok2 = run_imager({"verify", "--key", key().string(), "--manifest", (out() / "metal-amd64.manifest.json").string()});
  EXPECT_EQ(ok2.exit_code, 0) << ok2.err;

  auto wrong = run_imager({"verify", "--key", (dir_->path() / "other.pub").string(), raw().string()});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("signature does not verify"), std::string::npos) << wrong.err;
}

TEST_F(ImageTest, OneFlippedByteInTheKernelOnDiskIsNamed) {
  fs::path copy = dir_->path() / "tampered.raw";
  copy_sparse(raw(), copy);
  // Find where vmlinuz's 10th block lives inside BOOT-A with debugfs.
  fs::path boot_a = extract("BOOT-A");
  auto bmap = run_checked({"debugfs", "-R", "bmap /vmlinuz 10", boot_a.string()}).out;
  uint64_t block = std::stoull(bmap);
  auto header = run_checked({"dumpe2fs", "-h", boot_a.string()}).out;
  auto at = header.find("Block size:");
  ASSERT_NE(at, std::string::npos) << header;
  uint64_t block_size = std::stoull(header.substr(at + 11));
  uint64_t offset = partitions(raw()).at("BOOT-A").start * 512 + block * block_size + 123;
  std::string byte = read_at(copy, offset, 1);
  byte[0] = static_cast<char>(byte[0] ^ 0x01);
  write_at(copy, offset, byte);
  auto r = run_imager({"verify", "--key", key().string(), copy.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("vmlinuz"), std::string::npos) << r.err;
}

TEST_F(ImageTest, OneFlippedByteInAnArtifactIsNamed) {
  for (const std::string name : {"vmlinuz", "initramfs.img", "rootfs.sqfs"}) {
    fs::path dir = dir_->path() / ("artifacts-" + name);
    fs::create_directories(dir);
    for (const auto& e : fs::directory_iterator(out() / "metal-amd64")) fs::copy_file(e.path(), dir / e.path().filename());
    std::string byte = read_at(dir / name, 1000, 1);
    byte[0] = static_cast<char>(byte[0] ^ 0x40);
    write_at(dir / name, 1000, byte);
    auto r = run_imager({"verify", "--key", key().string(), "--manifest", (out() / "metal-amd64.manifest.json").string(),
                         "--artifacts", dir.string()});
    EXPECT_EQ(r.exit_code, 1) << name;
    EXPECT_NE(r.err.find(name), std::string::npos) << name << ": " << r.err;
  }
}

TEST_F(ImageTest, SameInputsGiveABitIdenticalImage) {
  fs::path second = dir_->path() / "out2";
  build_image(second, kVersion, dir_->path() / "key.pem");
  EXPECT_EQ(sha256_file_hex(raw()), sha256_file_hex(second / "metal-amd64.raw"));
  EXPECT_EQ(read_file(out() / "metal-amd64.manifest.json"), read_file(second / "metal-amd64.manifest.json"));
}

TEST_F(ImageTest, JsonListsArtifactsAndAnUnchangedRebuildIsUpToDate) {
  auto r = run_imager({"metal", "--version", kVersion, "--kernel", kernel_image().string(), "--out", out().string(),
                       "--signing-key", (dir_->path() / "key.pem").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = json::parse(r.out);
  EXPECT_EQ(doc["up_to_date"], true);
  bool found_raw = false;
  for (const auto& a : doc["artifacts"]) {
    if (a["path"] == raw().string()) {
      found_raw = true;
      EXPECT_EQ(a["size"], 1024 * MiB);
      EXPECT_EQ(a["sha256"], sha256_file_hex(raw()));
    }
  }
  EXPECT_TRUE(found_raw) << r.out;
}

}  // namespace
}  // namespace bronze::test
