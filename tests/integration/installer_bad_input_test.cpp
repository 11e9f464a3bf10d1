// Bad input to `installer upgrade` and `installer rollback`: a clear error
// naming the problem, exit status 1, and the disk's bytes unchanged. Damage
// inside the slot is published here in archives signed by the trusted key
// (a build gone wrong, not an attacker, who cannot sign): the slot's own
// signed manifest still catches it.

#include <gtest/gtest.h>

#include "base/files.h"
#include "base/sha256.h"
#include "installer_image/image_writer.h"
#include "signing/image_signature.h"
#include "tests/support/image_fixture.h"
#include "tests/support/installer_cli.h"
#include "tests/support/oci_test_archives.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;

class InstallerBadInput : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("bronze-installer-bad-input");
    make_key_pair(dir_->path(), "key");
    make_key_pair(dir_->path(), "other");
    build_image(dir_->path() / "v1", "v1", dir_->path() / "key.pem");
    image_ = new fs::path(build_installer_image(dir_->path() / "v2", "v2", dir_->path() / "key.pem"));
    // The unpacked layer, to tamper with.
    run_checked({"tar", "-xf", image_->string(), "-C", (dir_->path() / "v2").string()});
    layer_ = new fs::path(dir_->path() / "layer");
    auto index = read_file(dir_->path() / "v2" / "index.json");
    fs::create_directories(*layer_);
    for (const auto& e : fs::directory_iterator(dir_->path() / "v2" / "blobs" / "sha256")) {
      if (fs::file_size(e.path()) > 1000000) run_checked({"tar", "-xf", e.path().string(), "-C", layer_->string()});
    }
    ASSERT_TRUE(fs::exists(*layer_ / "payload/boot.ext4"));
  }
  static void TearDownTestSuite() {
    delete image_;
    delete layer_;
    delete dir_;
  }

  void SetUp() override {
    disk_ = dir_->path() / (std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".raw");
    copy_sparse(dir_->path() / "v1" / "metal-amd64.raw", disk_);
    digest_ = sha256_file_hex(disk_);
  }
  void TearDown() override { fs::remove(disk_); }

  // The folder as an installer image archive signed by the trusted key,
  // claiming `arch`.
  static fs::path signed_archive(const fs::path& layer, const std::string& name, const std::string& arch = "amd64") {
    oci::ImageSpec spec;
    spec.arch = arch;
    spec.tag = "v2";
    for (const auto& e : fs::recursive_directory_iterator(layer)) {
      if (e.is_regular_file()) spec.files.push_back({fs::relative(e.path(), layer).string(), e.path(), 0755});
    }
    auto key = std::make_shared<signing::PrivateKey>(signing::PrivateKey::load(dir_->path() / "key.pem"));
    spec.sign = [key, arch](const std::string& digest) { return signing::sign_image(digest, {"v2", arch, "metal", 0}, *key); };
    fs::path archive = dir_->path() / (name + ".tar");
    oci::write_image_archive(spec, archive);
    return archive;
  }

  // A copy of the good unpacked layer to damage.
  fs::path layer_copy(const std::string& name) {
    fs::path copy = dir_->path() / ("layer-" + name);
    fs::remove_all(copy);
    run_checked({"cp", "-a", layer_->string(), copy.string()});
    return copy;
  }

  void expect_refused(const std::vector<std::string>& args, const std::string& message) {
    auto r = run_installer(args);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << "stderr: " << r.err;
    EXPECT_EQ(sha256_file_hex(disk_), digest_) << "the disk changed";
  }
  std::vector<std::string> upgrade_args(const fs::path& image, const fs::path& trust) {
    return {"upgrade", "--disk", disk_.string(), "--image", image.string(), "--trust", trust.string(), "-q"};
  }
  fs::path key() const { return dir_->path() / "key.pub"; }

  // Flips one byte of `file` inside the slot image of `layer`.
  static void flip_in_slot(const fs::path& layer, const std::string& file) {
    fs::path slot = layer / "payload/boot.ext4";
    auto bmap = run_checked({"debugfs", "-R", "bmap /" + file + " 3", slot.string()}).out;
    auto header = run_checked({"dumpe2fs", "-h", slot.string()}).out;
    uint64_t block_size = std::stoull(header.substr(header.find("Block size:") + 11));
    uint64_t offset = std::stoull(bmap) * block_size + 77;
    std::string byte = read_at(slot, offset, 1);
    byte[0] = static_cast<char>(byte[0] ^ 0x10);
    write_at(slot, offset, byte);
  }

  static TempDir* dir_;
  static fs::path* image_;
  static fs::path* layer_;
  fs::path disk_;
  std::string digest_;
};
TempDir* InstallerBadInput::dir_ = nullptr;
fs::path* InstallerBadInput::image_ = nullptr;
fs::path* InstallerBadInput::layer_ = nullptr;

TEST_F(InstallerBadInput, TheGoodImageUpgrades) {
  auto r = run_installer(upgrade_args(*image_, key()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(sha256_file_hex(disk_), digest_);
}

TEST_F(InstallerBadInput, UnsignedImage) {
  // No signature beside the image.
  oci::ImageSpec spec;
  spec.arch = "amd64";
  spec.tag = "v2";
  spec.files.push_back({"payload/boot.ext4", *layer_ / "payload/boot.ext4", 0644});
  fs::path bare = dir_->path() / "bare.tar";
  oci::write_image_archive(spec, bare);
  expect_refused(upgrade_args(bare, key()), "carries no signature");
  // A signed image whose slot has lost its own signature.
  fs::path layer = layer_copy("unsigned");
  run_checked({"debugfs", "-w", "-R", "rm /manifest.sig", (layer / "payload/boot.ext4").string()});
  expect_refused(upgrade_args(signed_archive(layer, "unsigned-slot"), key()), "manifest.sig");
}

TEST_F(InstallerBadInput, AnUnpackedFolderIsRefused) {
  // Nothing in a folder says that a signature covers its files.
  expect_refused(upgrade_args(*layer_, key()), "is a folder; give the installer image's OCI archive");
}

TEST_F(InstallerBadInput, WrongKey) { expect_refused(upgrade_args(*image_, dir_->path() / "other.pub"), "signature does not verify"); }

TEST_F(InstallerBadInput, TheSlotDisagreesWithTheImageSignature) {
  // The slot's manifest says v2; the image's signature claims v9.
  oci::ImageSpec spec;
  spec.arch = "amd64";
  spec.tag = "v2";
  spec.files.push_back({"payload/boot.ext4", *layer_ / "payload/boot.ext4", 0644});
  auto signing_key = signing::PrivateKey::load(dir_->path() / "key.pem");
  spec.sign = [&](const std::string& digest) {
    return signing::sign_image(digest, {"v9", "amd64", "metal", 0}, signing_key);
  };
  fs::path archive = dir_->path() / "disagreeing.tar";
  oci::write_image_archive(spec, archive);
  expect_refused(upgrade_args(archive, key()), "the slot image says v2");
}

TEST_F(InstallerBadInput, FlippedByteInTheKernel) {
  fs::path layer = layer_copy("kernel");
  flip_in_slot(layer, "vmlinuz");
  expect_refused(upgrade_args(signed_archive(layer, "kernel"), key()), "vmlinuz does not match its digest");
}

TEST_F(InstallerBadInput, FlippedByteInTheInitramfs) {
  fs::path layer = layer_copy("initramfs");
  flip_in_slot(layer, "initramfs.img");
  expect_refused(upgrade_args(signed_archive(layer, "initramfs"), key()), "initramfs.img does not match its digest");
}

TEST_F(InstallerBadInput, TruncatedArchive) {
  fs::path truncated = dir_->path() / "truncated.tar";
  fs::copy_file(*image_, truncated, fs::copy_options::overwrite_existing);
  fs::resize_file(truncated, fs::file_size(truncated) / 2);
  auto r = run_installer(upgrade_args(truncated, key()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(r.err.empty());
  EXPECT_EQ(sha256_file_hex(disk_), digest_);
}

TEST_F(InstallerBadInput, WrongArch) {
  // The same layer, published (and signed) for arm64 only.
  expect_refused(upgrade_args(signed_archive(*layer_, "arm64", "arm64"), key()), "arm64");
}

TEST_F(InstallerBadInput, HostilePathsInTheLayer) {
  struct Case {
    const char* name;
    std::vector<oci::test::RawEntry> entries;
  };
  std::vector<Case> cases = {
      {"dotdot", {oci::test::file("payload/../../evil", "x")}},
      {"absolute", {oci::test::file("/etc/evil", "x")}},
      {"symlink", {oci::test::symlink("payload", "/etc"), oci::test::file("payload/boot.ext4", "x")}},
  };
  for (const auto& c : cases) {
    auto crafted = oci::test::craft_image(oci::test::make_tar(c.entries), "amd64");
    // Signed with the trusted key: the paths are what is refused.
    auto signing_key = signing::PrivateKey::load(dir_->path() / "key.pem");
    crafted.sign("", &signing_key);
    fs::path archive = dir_->path() / (std::string(c.name) + ".tar");
    oci::test::write_tar(archive, crafted.members());
    auto r = run_installer(upgrade_args(archive, key()));
    EXPECT_EQ(r.exit_code, 1) << c.name << ": " << r.err;
    EXPECT_FALSE(r.err.empty()) << c.name;
    EXPECT_EQ(sha256_file_hex(disk_), digest_) << c.name;
    EXPECT_FALSE(fs::exists("/etc/evil")) << c.name;
  }
}

TEST_F(InstallerBadInput, DiskWithoutOurLayout) {
  write_file(disk_, std::string(8 * 1024 * 1024, '\0'));
  digest_ = sha256_file_hex(disk_);
  expect_refused(upgrade_args(*image_, key()), "Bronze's layout");
}

TEST_F(InstallerBadInput, DiskTooSmallForTheSlot) {
  // A platform whose boot slots are too small for the v2 slot image.
  fs::path data = dir_->path() / "small-data";
  fs::create_directories(data / "platforms");
  run_checked({"cp", "-r", std::string(BRONZE_SOURCE_DIR) + "/kernel", data.string()});
  std::string platform = read_file(std::string(BRONZE_SOURCE_DIR) + "/platforms/metal.yaml");
  platform.replace(platform.find("boot_size: 128MiB"), 17, "boot_size: 4MiB");
  write_file(data / "platforms" / "metal.yaml", platform);
  // The v1 slot itself does not fit 4 MiB either: the imager says so too.
  auto r = run_imager({"metal", "--version", "v1", "--kernel", kernel_image().string(), "--out",
                       (dir_->path() / "small").string(), "--signing-key", (dir_->path() / "key.pem").string(),
                       "--data-dir", data.string(), "--quiet"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("does not fit BOOT-A"), std::string::npos) << r.err;
  // A real disk with a small BOOT-B: shrink the GPT entry of slot B.
  auto table = run_checked({"sfdisk", "--dump", disk_.string()}).out;
  auto at = table.find("name=\"BOOT-B\"");
  ASSERT_NE(at, std::string::npos);
  auto line_start = table.rfind('\n', at) + 1;
  auto size_at = table.find("size=", line_start) + 5;
  auto size_end = table.find(',', size_at);
  table.replace(size_at, size_end - size_at, " 8192");
  write_file(dir_->path() / "table.sfdisk", table);
  RunOptions input;
  input.stdin_file = (dir_->path() / "table.sfdisk").string();
  run_checked({"sfdisk", "--no-reread", "--no-tell-kernel", "-q", disk_.string()}, input);
  digest_ = sha256_file_hex(disk_);
  expect_refused(upgrade_args(*image_, key()), "does not fit BOOT-B");
}

TEST_F(InstallerBadInput, RollbackWithNoCommittedOtherSlot) {
  expect_refused({"rollback", "--disk", disk_.string()}, "holds no committed version");
}

}  // namespace
}  // namespace bronze::test
