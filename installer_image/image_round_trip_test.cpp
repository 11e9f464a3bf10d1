#include <gtest/gtest.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/files.h"
#include "base/sha256.h"
#include "installer_image/image_archive.h"
#include "installer_image/image_writer.h"
#include "installer_image/media_types.h"
#include "tests/support/oci_test_archives.h"

namespace bronze::oci {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kEpoch = 1700000000;
constexpr uint64_t kLimit = 64 << 20;

class OciRoundTrip : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_.path() / "src");
    write_file(src("rootfs.sqfs"), std::string(300000, 'r'));
    write_file(src("vmlinuz"), "kernel image");
    write_file(src("installer"), "#!/bin/sh\necho install\n");
    write_file(src("empty"), "");
    spec_.files = {{"usr/share/bronze/rootfs.sqfs", src("rootfs.sqfs"), 0644},
                   {"boot/vmlinuz", src("vmlinuz"), 0644},
                   {"usr/bin/installer", src("installer"), 0755},
                   {"etc/empty", src("empty"), 0600},
                   // Longer than ustar's 100 bytes: written with a pax header.
                   {"usr/share/bronze/" + std::string(120, 'n'), src("vmlinuz"), 0644}};
    spec_.annotations = {{"org.opencontainers.image.version", "v0.1.0"}, {"dev.bronze.platform", "metal"}};
    spec_.arch = "amd64";
    spec_.tag = "v0.1.0";
    spec_.epoch = kEpoch;
    spec_.sign = test::signer("amd64");
  }
  fs::path src(const std::string& name) const { return dir_.path() / "src" / name; }

  TempDir dir_{"bronze-oci-round-trip"};
  ImageSpec spec_;
};

TEST_F(OciRoundTrip, WhatIsWrittenReadsBack) {
  fs::path archive = dir_.path() / "installer-amd64.tar";
  write_image_archive(spec_, archive);

  ImageArchive image(archive, "amd64", test::trust());
  EXPECT_EQ(image.info().architecture, "amd64");
  EXPECT_EQ(image.info().ref_name, "v0.1.0");
  EXPECT_EQ(image.annotations(), spec_.annotations);
  EXPECT_EQ(image.info().layer.media_type, "application/vnd.oci.image.layer.v1.tar");

  fs::path out = dir_.path() / "out";
  image.extract(out, kLimit);
  EXPECT_EQ(read_file(out / "usr/share/bronze/rootfs.sqfs"), read_file(src("rootfs.sqfs")));
  EXPECT_EQ(read_file(out / "boot/vmlinuz"), "kernel image");
  EXPECT_EQ(read_file(out / "etc/empty"), "");
  EXPECT_EQ(fs::status(out / "usr/bin/installer").permissions() & fs::perms::all, fs::perms(0755));
  EXPECT_EQ(fs::status(out / "etc/empty").permissions() & fs::perms::all, fs::perms(0600));
  struct stat st{};
  ASSERT_EQ(::stat((out / "usr/bin").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, kEpoch);
  EXPECT_EQ(test::list_tree(out),
            (std::vector<std::string>{"boot", "boot/vmlinuz", "etc", "etc/empty", "usr", "usr/bin", "usr/bin/installer",
                                      "usr/share", "usr/share/bronze", "usr/share/bronze/" + std::string(120, 'n'),
                                      "usr/share/bronze/rootfs.sqfs"}));

  EXPECT_EQ(image.read_file("boot/vmlinuz", 1024), "kernel image");
  EXPECT_EQ(image.read_file("./usr/bin/installer", 1024), read_file(src("installer")));
}

// The slot image and its chunk index ride as the second and third layers;
// both are covered by the signature through the manifest, and the index is
// checked against its digest when the archive is opened.
TEST_F(OciRoundTrip, TheSlotImageAndItsChunkIndexReadBack) {
  write_file(src("slot.ext4"), std::string(200000, 's'));
  spec_.slot_payload = src("slot.ext4");
  spec_.chunk_index = "an index of the slot image";
  fs::path archive = dir_.path() / "installer-amd64.tar";
  write_image_archive(spec_, archive);
  ImageArchive image(archive, "amd64", test::trust());
  ASSERT_TRUE(image.info().payload.has_value());
  ASSERT_TRUE(image.info().chunk_index.has_value());
  EXPECT_EQ(image.info().chunk_index->media_type, kChunkIndexMediaType);
  EXPECT_EQ(image.info().chunk_index->digest, "sha256:" + sha256_hex(spec_.chunk_index));
  EXPECT_EQ(image.read_chunk_index(), spec_.chunk_index);

  // Without an index: none, and still a good image.
  spec_.chunk_index.clear();
  write_image_archive(spec_, archive);
  ImageArchive plain(archive, "amd64", test::trust());
  EXPECT_FALSE(plain.info().chunk_index.has_value());
  EXPECT_EQ(plain.read_chunk_index(), std::nullopt);

  // An index with no slot image to index is a mistake of the caller.
  spec_.slot_payload.clear();
  spec_.chunk_index = "an index of nothing";
  fs::remove(archive);
  try {
    write_image_archive(spec_, archive);
    ADD_FAILURE() << "an index without its slot image was written";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("a chunk index without the slot image"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(archive));
}

TEST_F(OciRoundTrip, TheSameInputsGiveTheSameBytes) {
  write_image_archive(spec_, dir_.path() / "first.tar");
  write_image_archive(spec_, dir_.path() / "second.tar");
  EXPECT_EQ(sha256_file_hex(dir_.path() / "first.tar"), sha256_file_hex(dir_.path() / "second.tar"));
  // Listing the files in another order changes nothing either.
  std::reverse(spec_.files.begin(), spec_.files.end());
  write_image_archive(spec_, dir_.path() / "reversed.tar");
  EXPECT_EQ(sha256_file_hex(dir_.path() / "first.tar"), sha256_file_hex(dir_.path() / "reversed.tar"));
  // ...while a different epoch does: the comparison above can fail.
  spec_.epoch = kEpoch + 1;
  write_image_archive(spec_, dir_.path() / "later.tar");
  EXPECT_NE(sha256_file_hex(dir_.path() / "first.tar"), sha256_file_hex(dir_.path() / "later.tar"));
}

TEST_F(OciRoundTrip, ReadingAFileDoesNotExtract) {
  fs::path archive = dir_.path() / "image.tar";
  write_image_archive(spec_, archive);
  ImageArchive image(archive, "amd64", test::trust());
  auto before = test::list_tree(dir_.path());
  EXPECT_EQ(image.read_file("usr/share/bronze/rootfs.sqfs", kLimit).size(), 300000u);
  EXPECT_EQ(test::list_tree(dir_.path()), before);
  EXPECT_THROW(image.read_file("usr/share/bronze/rootfs.sqfs", 1000), Error);
  EXPECT_THROW(image.read_file("boot/missing", 1000), Error);
  EXPECT_THROW(image.read_file("usr", 1000), Error);
}

TEST_F(OciRoundTrip, TheArchiveCarriesTheSignatureOfItsManifest) {
  fs::path archive = dir_.path() / "image.tar";
  write_image_archive(spec_, archive);
  ImageArchive image(archive, "amd64", test::trust());
  EXPECT_EQ(image.info().claims.arch, "amd64");
  EXPECT_EQ(image.info().claims.security_version, 1u);
  // Unsigned, the same image is refused.
  spec_.sign = nullptr;
  write_image_archive(spec_, dir_.path() / "unsigned.tar");
  try {
    ImageArchive unsigned_image(dir_.path() / "unsigned.tar", "amd64", test::trust());
    FAIL() << "opened an unsigned image";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("carries no signature"), std::string::npos) << e.what();
  }
}

TEST_F(OciRoundTrip, AnotherArchitectureIsRefusedByName) {
  fs::path archive = dir_.path() / "image.tar";
  write_image_archive(spec_, archive);
  try {
    ImageArchive image(archive, "arm64", test::trust());
    FAIL() << "opened an amd64 image as arm64";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no manifest for architecture arm64 (it has: amd64)"), std::string::npos)
        << e.what();
  }
}

TEST_F(OciRoundTrip, AFailedWriteLeavesNothing) {
  spec_.files.push_back({"boot/missing", src("missing"), 0644});
  fs::path out_dir = dir_.path() / "out";
  fs::create_directories(out_dir);
  EXPECT_THROW(write_image_archive(spec_, out_dir / "image.tar"), Error);
  EXPECT_TRUE(test::list_tree(out_dir).empty()) << ::testing::PrintToString(test::list_tree(out_dir));
}

TEST_F(OciRoundTrip, TheWriterRefusesBadSpecs) {
  fs::path archive = dir_.path() / "image.tar";
  ImageSpec bad = spec_;
  bad.arch = "x86_64";
  EXPECT_THROW(write_image_archive(bad, archive), Error);
  bad = spec_;
  bad.files.push_back({"../escape", src("vmlinuz"), 0644});
  EXPECT_THROW(write_image_archive(bad, archive), Error);
  bad = spec_;
  bad.files.push_back({"boot/vmlinuz", src("installer"), 0644});
  EXPECT_THROW(write_image_archive(bad, archive), Error);
  EXPECT_FALSE(fs::exists(archive));
}

TEST_F(OciRoundTrip, ExtractionNeedsAFreshFolder) {
  fs::path archive = dir_.path() / "image.tar";
  write_image_archive(spec_, archive);
  ImageArchive image(archive, "amd64", test::trust());
  fs::create_directories(dir_.path() / "taken");
  EXPECT_THROW(image.extract(dir_.path() / "taken", kLimit), Error);
  EXPECT_TRUE(test::list_tree(dir_.path() / "taken").empty());
}

}  // namespace
}  // namespace bronze::oci
