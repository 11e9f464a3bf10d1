// `imager PLATFORM --output ... --compress ...`: every output checked with
// the tools its users have. The kernel, the initramfs and the installer's
// slot match the signed manifest's digests (openssl checks its signature);
// a compressed output unpacks (zstd, xz, gzip) to the uncompressed one's
// bytes; the ISO has a BIOS and a UEFI El Torito entry and the boot files
// (xorriso), and two ISO builds with one epoch are the same bytes.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>

#include "base/files.h"
#include "chunks/chunk_index.h"
#include "base/sha256.h"
#include "base/subprocess.h"
#include "tests/support/image_fixture.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
constexpr const char* kVersion = "v1.0.0-outputs";

class OutputsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("bronze-outputs-test");
    make_key_pair(dir_->path());
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  static fs::path dir() { return dir_->path(); }
  static fs::path out(const std::string& name) { return dir() / name; }

  // Builds `command` (a platform, or "installer") into out(folder) with `options`.
  static void build(const std::string& command, const std::string& folder, const std::vector<std::string>& options,
                    const RunOptions& run_options = {}) {
    auto argv = imager_build_argv(command, out(folder), kVersion, dir() / "key.pem", {});
    argv.insert(argv.end(), options.begin(), options.end());
    run_checked(argv, run_options);
  }

  // The manifest's digests by artifact name, after openssl checked its signature.
  static std::map<std::string, std::string> signed_digests(const fs::path& manifest, const fs::path& signature) {
    auto check = run({"openssl", "pkeyutl", "-verify", "-pubin", "-inkey", (dir() / "key.pub").string(), "-rawin",
                      "-in", manifest.string(), "-sigfile", signature.string()});
    EXPECT_EQ(check.exit_code, 0) << "the manifest's signature does not verify: " << check.out << check.err;
    std::map<std::string, std::string> digests;
    json doc = json::parse(read_file(manifest));
    for (const auto& a : doc["artifacts"]) digests[a["name"]] = a["sha256"];
    return digests;
  }

  // Unpacks `compressed` with the tool of its extension, in a folder of its
  // own, and returns the unpacked file.
  static fs::path decompress(const fs::path& compressed) {
    static const std::map<std::string, std::string> tools = {{".zst", "zstd"}, {".xz", "xz"}, {".gz", "gzip"}};
    fs::path scratch = dir() / ("unpack-" + compressed.filename().string());
    fs::create_directories(scratch);
    fs::path copy = scratch / compressed.filename();
    fs::copy_file(compressed, copy);
    run_checked({tools.at(compressed.extension().string()), "-d", "-q", copy.string()});
    fs::path unpacked = scratch / compressed.stem();
    EXPECT_TRUE(fs::exists(unpacked)) << ::testing::PrintToString(list_dir(scratch));
    return unpacked;
  }

  static TempDir* dir_;
};
TempDir* OutputsTest::dir_ = nullptr;

TEST_F(OutputsTest, KernelAndInitramfsMatchTheSignedManifest) {
  build("metal", "boot", {"--output", "kernel"});
  build("metal", "boot", {"--output", "initramfs"});
  fs::path boot = out("boot");
  std::vector<std::string> expected = {"metal-amd64-initramfs.img", "metal-amd64-initramfs.img.inputs",
                                       "metal-amd64-vmlinuz",       "metal-amd64-vmlinuz.inputs",
                                       "metal-amd64.manifest.json", "metal-amd64.manifest.sig"};
  EXPECT_EQ(list_dir(boot), expected);
  auto digests = signed_digests(boot / "metal-amd64.manifest.json", boot / "metal-amd64.manifest.sig");
  EXPECT_EQ(digests.at("vmlinuz"), sha256_file_hex(boot / "metal-amd64-vmlinuz"));
  EXPECT_EQ(digests.at("vmlinuz"), sha256_file_hex(kernel_image()));
  EXPECT_EQ(digests.at("initramfs.img"), sha256_file_hex(boot / "metal-amd64-initramfs.img"));
  // The initramfs the disk image boots.
  build("metal", "image", {});
  EXPECT_EQ(sha256_file_hex(boot / "metal-amd64-initramfs.img"), sha256_file_hex(out("image") / "metal-amd64" / "initramfs.img"));
  EXPECT_EQ(read_file(boot / "metal-amd64.manifest.json"), read_file(out("image") / "metal-amd64.manifest.json"));
}

TEST_F(OutputsTest, InstallerOutputIsTheInstallerCommandsAndCarriesTheSignedSlot) {
  build("metal", "installer-output", {"--output", "installer"});
  build("installer", "installer-command", {"--platform", "metal"});
  fs::path archive = out("installer-output") / "installer-amd64.tar";
  ASSERT_TRUE(fs::exists(archive)) << ::testing::PrintToString(list_dir(out("installer-output")));
  EXPECT_EQ(sha256_file_hex(archive), sha256_file_hex(out("installer-command") / "installer-amd64.tar"));

  // Its first layer holds the installer; its second, raw, is the slot image,
  // whose manifest names its kernel and initramfs; its third, that slot
  // image's chunk index, for delta upgrades.
  fs::path oci = dir() / "oci";
  fs::create_directories(oci);
  run_checked({"tar", "-xf", archive.string(), "-C", oci.string()});
  auto blob = [&](const std::string& digest) { return oci / "blobs" / "sha256" / digest.substr(digest.find(':') + 1); };
  auto index = json::parse(read_file(oci / "index.json"));
  auto image_manifest = json::parse(read_file(blob(index["manifests"][0]["digest"])));
  ASSERT_EQ(image_manifest["layers"].size(), 3u);
  EXPECT_EQ(image_manifest["layers"][0]["mediaType"], "application/vnd.oci.image.layer.v1.tar");
  EXPECT_EQ(image_manifest["layers"][1]["mediaType"], "application/vnd.dev.bronze.slot.v1.ext4");
  EXPECT_EQ(image_manifest["layers"][2]["mediaType"], "application/vnd.dev.bronze.slot.v1.chunks");
  std::string chunk_index = read_file(blob(image_manifest["layers"][2]["digest"]));
  EXPECT_EQ(chunks::parse_chunk_index(chunk_index).total_size, fs::file_size(blob(image_manifest["layers"][1]["digest"])));
  EXPECT_TRUE(chunk_index == chunks::serialize(chunks::index_path(blob(image_manifest["layers"][1]["digest"]))))
      << "the published index is not the slot image's";
  fs::path layer = dir() / "layer";
  fs::create_directories(layer);
  run_checked({"tar", "-xf", blob(image_manifest["layers"][0]["digest"]).string(), "-C", layer.string()});
  EXPECT_TRUE(fs::exists(layer / "bin/installer"));
  EXPECT_FALSE(fs::exists(layer / "payload")) << "the slot image is a layer of its own, not in the installer's";
  fs::path slot_image = blob(image_manifest["layers"][1]["digest"]);
  fs::path slot = dir() / "slot";
  fs::create_directories(slot);
  for (const std::string name : {"manifest.json", "manifest.sig", "vmlinuz", "initramfs.img"}) {
    run_checked({"debugfs", "-R", "dump /" + name + " " + (slot / name).string(), slot_image.string()});
  }
  auto digests = signed_digests(slot / "manifest.json", slot / "manifest.sig");
  EXPECT_EQ(digests.at("vmlinuz"), sha256_file_hex(slot / "vmlinuz"));
  EXPECT_EQ(digests.at("vmlinuz"), sha256_file_hex(kernel_image()));
  EXPECT_EQ(digests.at("initramfs.img"), sha256_file_hex(slot / "initramfs.img"));
}

TEST_F(OutputsTest, IsoHasBiosAndUefiBootEntriesAndTheBootFiles) {
  build("metal", "iso", {"--output", "iso"});
  fs::path iso = out("iso") / "metal-amd64.iso";
  std::vector<std::string> expected = {"metal-amd64.iso", "metal-amd64.iso.inputs", "metal-amd64.manifest.json",
                                       "metal-amd64.manifest.sig"};
  EXPECT_EQ(list_dir(out("iso")), expected);

  std::string plain = run_checked({"xorriso", "-indev", iso.string(), "-report_el_torito", "plain"}).out;
  EXPECT_NE(plain.find("El Torito boot img :   1  BIOS  y   none"), std::string::npos) << plain;
  EXPECT_NE(plain.find("El Torito boot img :   2  UEFI  y   none"), std::string::npos) << plain;
  std::string commands = run_checked({"xorriso", "-indev", iso.string(), "-report_el_torito", "cmd"}).out;
  EXPECT_NE(commands.find("-boot_image any platform_id=0xef"), std::string::npos) << commands;
  // The MBR of a hybrid image, for USB sticks.
  std::string system_area = run_checked({"xorriso", "-indev", iso.string(), "-report_system_area", "plain"}).out;
  EXPECT_NE(system_area.find("MBR"), std::string::npos) << system_area;

  std::string listing = run_checked({"xorriso", "-indev", iso.string(), "-find", "/boot"}).out;
  for (const std::string file : {"'/boot/vmlinuz'", "'/boot/initramfs.img'", "'/boot/manifest.json'", "'/boot/manifest.sig'",
                                 "'/boot/install.img'", "'/boot/grub/grub.cfg'"}) {
    EXPECT_NE(listing.find(file + "\n"), std::string::npos) << file << " missing:\n" << listing;
  }

  fs::path extracted = dir() / "iso-files";
  run_checked({"xorriso", "-osirrox", "on", "-indev", iso.string(), "-extract", "/boot", extracted.string()});
  auto digests = signed_digests(out("iso") / "metal-amd64.manifest.json", out("iso") / "metal-amd64.manifest.sig");
  EXPECT_EQ(digests.at("vmlinuz"), sha256_file_hex(extracted / "vmlinuz"));
  EXPECT_EQ(digests.at("initramfs.img"), sha256_file_hex(extracted / "initramfs.img"));
  EXPECT_EQ(read_file(extracted / "manifest.json"), read_file(out("iso") / "metal-amd64.manifest.json"));
  std::string cmdline = json::parse(read_file(extracted / "manifest.json"))["cmdline"];
  std::string grub_cfg = read_file(extracted / "grub/grub.cfg");
  EXPECT_NE(grub_cfg.find("linux /boot/vmlinuz " + cmdline + " bronze.slot=live bronze.maintenance\n"), std::string::npos)
      << grub_cfg;

  // Nothing changed: nothing is rebuilt.
  auto argv = imager_build_argv("metal", out("iso"), kVersion, dir() / "key.pem", {});
  argv.insert(argv.end(), {"--output", "iso", "--json"});
  auto doc = json::parse(run_checked(argv).out);
  EXPECT_EQ(doc["up_to_date"], true);
  EXPECT_EQ(doc["output"], "iso");
  EXPECT_EQ(doc["artifacts"][0]["path"], iso.string());
  EXPECT_EQ(doc["artifacts"][0]["sha256"], sha256_file_hex(iso));
}

// Two builds with one epoch, seconds apart and in other time zones: nothing
// in the ISO comes from the clock (grub-mkrescue put the time into the volume
// dates and GRUB's cores) or the zone (FAT keeps local times).
TEST_F(OutputsTest, IsoBuiltTwiceWithOneEpochIsTheSameBytes) {
  const std::vector<std::string> options = {"--output", "iso", "--epoch", "1700000000"};  // 2023-11-14 22:13:20 UTC
  build("metal", "iso-first", options, RunOptions{{{"TZ", "UTC"}}, {}, {}});
  // A POSIX zone string, so that no zone database is needed: UTC+9.
  build("metal", "iso-second", options, RunOptions{{{"TZ", "JST-9"}}, {}, {}});
  fs::path first = out("iso-first") / "metal-amd64.iso";
  fs::path second = out("iso-second") / "metal-amd64.iso";
  EXPECT_EQ(sha256_file_hex(first), sha256_file_hex(second))
      << run({"cmp", first.string(), second.string()}).out;  // where they first differ

  // The volume's dates (GRUB's UUID of it) are the epoch's; both El Torito
  // entries are there, the UEFI one (platform id 0xef) as -e.
  std::string report = run_checked({"xorriso", "-indev", first.string(), "-report_el_torito", "as_mkisofs"}).out;
  EXPECT_NE(report.find("--modification-date='2023111422132000'"), std::string::npos) << report;
  EXPECT_NE(report.find("-b '/boot/grub/i386-pc/eltorito.img'"), std::string::npos) << report;
  EXPECT_NE(report.find("-e '/efi.img'"), std::string::npos) << report;
}

TEST_F(OutputsTest, CompressedIsoIsAnIsoOnceUnpacked) {
  build("metal", "iso-zst", {"--output", "iso", "--compress", "zstd"});
  EXPECT_FALSE(fs::exists(out("iso-zst") / "metal-amd64.iso")) << "the uncompressed ISO was left behind";
  fs::path iso = decompress(out("iso-zst") / "metal-amd64.iso.zst");
  std::string listing = run_checked({"xorriso", "-indev", iso.string(), "-find", "/boot/vmlinuz"}).out;
  EXPECT_NE(listing.find("'/boot/vmlinuz'"), std::string::npos) << listing;
}

TEST_F(OutputsTest, CompressedRawUnpacksToTheSameBytes) {
  build("metal", "raw", {});
  build("metal", "raw-zst", {"--compress", "zstd"});
  build("metal", "raw-gz", {"--compress", "gz"});
  std::string raw = sha256_file_hex(out("raw") / "metal-amd64.raw");
  EXPECT_EQ(sha256_file_hex(decompress(out("raw-zst") / "metal-amd64.raw.zst")), raw);
  EXPECT_EQ(sha256_file_hex(decompress(out("raw-gz") / "metal-amd64.raw.gz")), raw);
  EXPECT_FALSE(fs::exists(out("raw-zst") / "metal-amd64.raw"));
  EXPECT_TRUE(fs::exists(out("raw-zst") / "metal-amd64.manifest.json"));
  EXPECT_EQ(read_file(out("raw") / "metal-amd64.manifest.json"), read_file(out("raw-zst") / "metal-amd64.manifest.json"));
}

TEST_F(OutputsTest, CompressedQcow2UnpacksToTheSameBytes) {
  build("openstack", "qcow2", {});
  build("openstack", "qcow2-xz", {"--compress", "xz"});
  EXPECT_EQ(sha256_file_hex(decompress(out("qcow2-xz") / "openstack-amd64.qcow2.xz")),
            sha256_file_hex(out("qcow2") / "openstack-amd64.qcow2"));
  EXPECT_FALSE(fs::exists(out("qcow2-xz") / "openstack-amd64.qcow2"));
}

}  // namespace
}  // namespace bronze::test
