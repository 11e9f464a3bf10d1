// Bad input to `installer upgrade` and `installer rollback`: a clear error
// naming the problem, exit status 1, and the disk's bytes unchanged when the
// problem shows before the first write. Damage inside the slot is published
// here in archives signed by the trusted key (a build gone wrong, not an
// attacker, who cannot sign): the slot's own signed manifest still catches
// it, once the slot is written, and then the active slot, META and the boot
// state are byte-identical and the written slot does not read as a
// filesystem.

#include <gtest/gtest.h>

#include <map>

#include "base/files.h"
#include "base/sha256.h"
#include "disk/partitions/gpt.h"
#include "disk/slots/slot_image.h"
#include "installer_image/documents.h"
#include "installer_image/image_writer.h"
#include "installer_image/media_types.h"
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
    // The unpacked installer layer and the slot image, to tamper with.
    fs::path outer = dir_->path() / "v2" / "outer";
    fs::create_directories(outer);
    run_checked({"tar", "-xf", image_->string(), "-C", outer.string()});
    auto blob = [&](const std::string& digest) { return outer / "blobs/sha256" / digest.substr(7); };
    auto index = oci::parse_index(read_file(outer / "index.json"));
    auto manifest = oci::parse_manifest(read_file(blob(index.manifests.at(0).digest)));
    ASSERT_EQ(manifest.layers.size(), 3u);
    ASSERT_EQ(manifest.layers[1].media_type, oci::kSlotPayloadMediaType);
    ASSERT_EQ(manifest.layers[2].media_type, oci::kChunkIndexMediaType);
    layer_ = new fs::path(dir_->path() / "layer");
    fs::create_directories(*layer_);
    run_checked({"tar", "-xf", blob(manifest.layers[0].digest).string(), "-C", layer_->string()});
    slot_ = new fs::path(dir_->path() / "boot.ext4");
    fs::copy_file(blob(manifest.layers[1].digest), *slot_);
    ASSERT_TRUE(fs::exists(*layer_ / "bin/installer"));
  }
  static void TearDownTestSuite() {
    delete image_;
    delete layer_;
    delete slot_;
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
  static fs::path signed_archive(const fs::path& layer, const fs::path& slot, const std::string& name,
                                 const std::string& arch = "amd64") {
    oci::ImageSpec spec;
    spec.slot_payload = slot;
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
  // A copy of the good slot image to damage.
  fs::path slot_copy(const std::string& name) {
    fs::path copy = dir_->path() / ("slot-" + name + ".ext4");
    fs::copy_file(*slot_, copy, fs::copy_options::overwrite_existing);
    return copy;
  }

  // A refusal found once the slot was written: the installer says why, and
  // everything but BOOT-B is byte-identical, while BOOT-B's head is zero, so
  // that nothing takes it for a filesystem.
  void expect_refused_after_writing(const std::vector<std::string>& args, const std::string& message,
                                    const RunOptions& options = {}) {
    std::map<std::string, std::string> before;
    for (const auto& p : disk::read_gpt(disk_)) {
      if (p.label != "BOOT-B") before[p.label] = sha256_hex(read_at(disk_, p.start, static_cast<size_t>(p.size)));
    }
    std::string status_before = run_installer({"status", "--disk", disk_.string(), "--json"}).out;
    auto r = run_installer(args, options);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << "stderr: " << r.err;
    for (const auto& p : disk::read_gpt(disk_)) {
      if (p.label == "BOOT-B") {
        EXPECT_EQ(read_at(disk_, p.start, disk::kSlotHeadBytes), std::string(disk::kSlotHeadBytes, '\0'))
            << "BOOT-B still reads as a filesystem";
      } else {
        EXPECT_EQ(sha256_hex(read_at(disk_, p.start, static_cast<size_t>(p.size))), before[p.label])
            << p.label << " changed";
      }
    }
    EXPECT_EQ(run_installer({"status", "--disk", disk_.string(), "--json"}).out, status_before);
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

  // Flips one byte of `file` inside the slot image `slot`.
  static void flip_in_slot(const fs::path& slot, const std::string& file) {
    // The first block from the third on that has data on the disk (a block
    // of zeros in the file is a hole, mapped to block 0).
    uint64_t block = 0;
    for (int i = 3; block == 0 && i < 1000; ++i) {
      block = std::stoull(run_checked({"debugfs", "-R", "bmap /" + file + " " + std::to_string(i), slot.string()}).out);
    }
    ASSERT_NE(block, 0u) << file << " has no data block among its first thousand";
    auto header = run_checked({"dumpe2fs", "-h", slot.string()}).out;
    uint64_t block_size = std::stoull(header.substr(header.find("Block size:") + 11));
    uint64_t offset = block * block_size + 77;
    std::string byte = read_at(slot, offset, 1);
    byte[0] = static_cast<char>(byte[0] ^ 0x10);
    write_at(slot, offset, byte);
  }

  static TempDir* dir_;
  static fs::path* image_;
  static fs::path* layer_;
  static fs::path* slot_;
  fs::path disk_;
  std::string digest_;
};
TempDir* InstallerBadInput::dir_ = nullptr;
fs::path* InstallerBadInput::image_ = nullptr;
fs::path* InstallerBadInput::layer_ = nullptr;
fs::path* InstallerBadInput::slot_ = nullptr;

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
  spec.files.push_back({"bin/installer", *layer_ / "bin/installer", 0755});
  spec.slot_payload = *slot_;
  fs::path bare = dir_->path() / "bare.tar";
  oci::write_image_archive(spec, bare);
  expect_refused(upgrade_args(bare, key()), "carries no signature");
  // A signed image whose slot has lost its own signature.
  fs::path slot = slot_copy("unsigned");
  run_checked({"debugfs", "-w", "-R", "rm /manifest.sig", slot.string()});
  expect_refused_after_writing(upgrade_args(signed_archive(*layer_, slot, "unsigned-slot"), key()), "manifest.sig");
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
  spec.files.push_back({"bin/installer", *layer_ / "bin/installer", 0755});
  spec.slot_payload = *slot_;
  auto signing_key = signing::PrivateKey::load(dir_->path() / "key.pem");
  spec.sign = [&](const std::string& digest) {
    return signing::sign_image(digest, {"v9", "amd64", "metal", 0}, signing_key);
  };
  fs::path archive = dir_->path() / "disagreeing.tar";
  oci::write_image_archive(spec, archive);
  expect_refused_after_writing(upgrade_args(archive, key()), "the slot image says v2");
}

TEST_F(InstallerBadInput, FlippedByteInTheKernel) {
  fs::path slot = slot_copy("kernel");
  flip_in_slot(slot, "vmlinuz");
  expect_refused_after_writing(upgrade_args(signed_archive(*layer_, slot, "kernel"), key()),
                               "vmlinuz does not match its digest");
}

TEST_F(InstallerBadInput, FlippedByteInTheInitramfs) {
  fs::path slot = slot_copy("initramfs");
  flip_in_slot(slot, "initramfs.img");
  expect_refused_after_writing(upgrade_args(signed_archive(*layer_, slot, "initramfs"), key()),
                               "initramfs.img does not match its digest");
}

// The disk fills up: at the first write (the slot's head), so that nothing
// is written and the whole disk is as it was; then after it, and in the
// middle of the slot image, where the rest of the disk is byte for byte as
// it was and the slot's head is zero. Each time the error says so; then,
// with room again, the same upgrade succeeds.
TEST_F(InstallerBadInput, ADiskThatFillsUpLeavesEverythingButTheInactiveSlotAsItWas) {
  RunOptions full;
  full.env = {{"BRONZE_FAULT_FULL_AFTER", "0"}};
  auto nothing = run_installer(upgrade_args(*image_, key()), full);
  EXPECT_EQ(nothing.exit_code, 1);
  EXPECT_NE(nothing.err.find("No space left on device"), std::string::npos) << nothing.err;
  EXPECT_EQ(sha256_file_hex(disk_), digest_) << "a disk full at the first write changed";
  for (int writes : {1, 12}) {
    full.env = {{"BRONZE_FAULT_FULL_AFTER", std::to_string(writes)}};
    SCOPED_TRACE("full after " + std::to_string(writes) + " writes");
    expect_refused_after_writing(upgrade_args(*image_, key()), "No space left on device", full);
  }
  auto r = run_installer(upgrade_args(*image_, key()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(disk_status(disk_)["slots"]["B"]["trial"].get<bool>());
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
  expect_refused(upgrade_args(signed_archive(*layer_, *slot_, "arm64", "arm64"), key()), "arm64");
}

TEST_F(InstallerBadInput, HostilePathsInTheLayer) {
  struct Case {
    const char* name;
    std::vector<oci::test::RawEntry> entries;
  };
  std::vector<Case> cases = {
      {"dotdot", {oci::test::file("payload/../../evil", "x")}},
      {"absolute", {oci::test::file("/etc/evil", "x")}},
      {"symlink", {oci::test::symlink("bin", "/etc"), oci::test::file("bin/installer", "x")}},
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
