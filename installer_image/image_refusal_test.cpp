// Hostile and damaged archives, built here with libarchive the way an
// attacker could: each is refused with a message naming the problem, and a
// refused extraction leaves nothing behind.

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/files.h"
#include "base/sha256.h"
#include "installer_image/image_archive.h"
#include "installer_image/media_types.h"
#include "installer_image/signature_artifact.h"
#include "tests/support/oci_test_archives.h"

namespace bronze::oci {
namespace {

namespace fs = std::filesystem;
using test::RawEntry;

constexpr uint64_t kLimit = 1 << 20;

class OciRefusal : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(in_);
    fs::create_directories(work_);
  }

  fs::path archive_of(const std::vector<RawEntry>& members) {
    fs::path path = in_ / ("image-" + std::to_string(count_++) + ".tar");
    test::write_tar(path, members);
    return path;
  }

  fs::path image_with_layer(const std::vector<RawEntry>& layer_entries) {
    return archive_of(test::craft_image(test::make_tar(layer_entries), "amd64").members());
  }

  // Extraction must throw an Error containing `message` and leave nothing.
  void expect_extract_refused(const std::vector<RawEntry>& layer_entries, const std::string& message,
                              uint64_t limit = kLimit) {
    ImageArchive image(image_with_layer(layer_entries), "amd64", test::trust());
    try {
      image.extract(work_ / "out", limit);
      ADD_FAILURE() << "extracted a layer that should be refused for: " << message;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
    EXPECT_TRUE(test::list_tree(work_).empty()) << "left behind: " << ::testing::PrintToString(test::list_tree(work_));
  }

  // Opening must throw an Error containing every one of `messages`.
  void expect_open_refused(const fs::path& archive, const std::vector<std::string>& messages,
                           const std::string& arch = "amd64") {
    try {
      ImageArchive image(archive, arch, test::trust());
      ADD_FAILURE() << "opened an archive that should be refused for: " << messages.front();
    } catch (const Error& e) {
      for (const auto& m : messages) EXPECT_NE(std::string(e.what()).find(m), std::string::npos) << e.what();
    }
  }

  TempDir dir_{"bronze-oci-refusal"};
  fs::path in_ = dir_.path() / "in";
  fs::path work_ = dir_.path() / "work";
  int count_ = 0;
};

TEST_F(OciRefusal, AGoodLayerExtracts) {
  // The baseline the refusals differ from: links that stay inside are fine.
  ImageArchive image(image_with_layer({test::folder("a"), test::file("a/f", "data"), test::symlink("a/l", "f"),
                                       test::symlink("up", "a/.."), test::hardlink("a/h", "a/f")}),
                     "amd64", test::trust());
  ExtractedLayer extracted = image.extract(work_ / "out", kLimit);
  EXPECT_EQ(read_file(work_ / "out/a/h"), "data");
  EXPECT_EQ(fs::read_symlink(work_ / "out/a/l"), "f");
  EXPECT_EQ(image.read_file("a/h", 100), "data");
  EXPECT_EQ(extracted.files.at("a/f"), sha256_hex("data"));
  EXPECT_EQ(extracted.files.at("a/h"), sha256_hex("data"));
  EXPECT_NO_THROW(check_extracted_folder(work_ / "out", extracted));
}

TEST_F(OciRefusal, AnExtractedFolderThatChangedIsNamed) {
  auto extract_fresh = [&](const std::string& name) {
    ImageArchive image(image_with_layer({test::folder("bin"), test::file("bin/installer", "ours"),
                                         test::symlink("bin/link", "installer")}),
                       "amd64", test::trust());
    return std::make_pair(work_ / name, image.extract(work_ / name, kLimit));
  };
  auto expect_changed = [](const fs::path& root, const ExtractedLayer& extracted, const std::string& path) {
    try {
      check_extracted_folder(root, extracted);
      ADD_FAILURE() << "a changed folder passed the check: " << path;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("changed after it was verified: " + path), std::string::npos) << e.what();
    }
  };
  auto [replaced, a] = extract_fresh("replaced");
  fs::remove(replaced / "bin/installer");
  write_file(replaced / "bin/installer", "theirs");
  expect_changed(replaced, a, "bin/installer");
  auto [added, b] = extract_fresh("added");
  write_file(added / "bin/extra", "x");
  expect_changed(added, b, "bin/extra");
  auto [retargeted, c] = extract_fresh("retargeted");
  fs::remove(retargeted / "bin/link");
  fs::create_symlink("/bin/sh", retargeted / "bin/link");
  expect_changed(retargeted, c, "bin/link");
  auto [removed, d] = extract_fresh("removed");
  fs::remove(removed / "bin/installer");
  expect_changed(removed, d, removed.string());
}

TEST_F(OciRefusal, DotDotComponents) {
  expect_extract_refused({test::file("ok", "x"), test::file("a/../../evil", "x")}, "has a '..' component");
}

TEST_F(OciRefusal, AbsolutePaths) {
  expect_extract_refused({test::file("/tmp/evil", "x")}, "has an absolute path");
}

TEST_F(OciRefusal, SymlinkToAnAbsolutePath) {
  expect_extract_refused({test::symlink("etc", "/etc")}, "symlink 'etc' -> '/etc' points outside");
}

TEST_F(OciRefusal, SymlinkUpAndOut) {
  expect_extract_refused({test::folder("a"), test::symlink("a/out", "../../x")}, "symlink 'a/out' -> '../../x' points outside");
}

TEST_F(OciRefusal, SymlinkEscapingThroughAnotherSymlink) {
  expect_extract_refused({test::folder("a"), test::symlink("a/root", ".."), test::symlink("z", "a/root/..")},
                         "symlink 'z' -> 'a/root/..' points outside");
}

TEST_F(OciRefusal, SymlinkLoop) {
  expect_extract_refused({test::symlink("l1", "l2"), test::symlink("l2", "l1")}, "symlink loop");
}

TEST_F(OciRefusal, WritingThroughASymlink) {
  // The link itself stays inside, but the file after it is written through it.
  expect_extract_refused({test::folder("d"), test::symlink("l", "d"), test::file("l/x", "x")},
                         "'l/x' lies below 'l', which is not a folder");
}

TEST_F(OciRefusal, HardLinkOutOfTheFolder) {
  expect_extract_refused({test::hardlink("passwd", "../../etc/passwd")}, "hard link 'passwd' points outside");
  expect_extract_refused({test::hardlink("passwd", "/etc/passwd")}, "hard link 'passwd' points outside");
}

TEST_F(OciRefusal, HardLinkToSomethingNotInTheLayer) {
  expect_extract_refused({test::hardlink("h", "later"), test::file("later", "x")},
                         "hard link 'h' points to 'later', which is not a file earlier in the layer");
}

TEST_F(OciRefusal, DeviceNodes) {
  RawEntry device{"dev/null", RawEntry::Kind::kCharDevice, {}, {}};
  expect_extract_refused({device}, "'dev/null' is a device node");
  RawEntry fifo{"pipe", RawEntry::Kind::kFifo, {}, {}};
  expect_extract_refused({fifo}, "'pipe' is a device node, FIFO or socket");
}

TEST_F(OciRefusal, AnEntryTwice) {
  expect_extract_refused({test::file("x", "first"), test::file("x", "second")}, "'x' appears twice");
}

TEST_F(OciRefusal, MoreThanTheSizeLimit) {
  expect_extract_refused({test::file("a", std::string(600, 'a')), test::file("b", std::string(600, 'b'))},
                         "more than the 1000 bytes allowed (at 'b')", 1000);
}

TEST_F(OciRefusal, ATamperedLayerIsNamed) {
  auto image = test::craft_image(test::make_tar({test::file("f", "original")}), "amd64");
  auto members = image.members();
  std::string layer_name = "blobs/sha256/" + sha256_hex(image.layer);
  std::string& data = test::member(members, layer_name).data;
  data[data.find("original")] = 'O';  // same size, other bytes
  expect_open_refused(archive_of(members), {"layer blob sha256:" + sha256_hex(image.layer), "does not match its digest"});
}

TEST_F(OciRefusal, ATamperedConfigIsNamed) {
  auto image = test::craft_image(test::make_tar({test::file("f", "x")}), "amd64");
  auto members = image.members();
  std::string& data = test::member(members, "blobs/sha256/" + sha256_hex(image.config)).data;
  data[data.find("amd64")] = 'A';
  expect_open_refused(archive_of(members), {"config blob sha256:" + sha256_hex(image.config), "does not match"});
}

TEST_F(OciRefusal, AWrongManifestDigestIsNamed) {
  // index.json names the manifest by the digest of another manifest of the
  // same size, and the real manifest is stored under that name.
  auto image = test::craft_image(test::make_tar({test::file("f", "x")}), "amd64", {{"build", "1"}});
  auto other = test::craft_image(test::make_tar({test::file("f", "x")}), "amd64", {{"build", "2"}});
  ASSERT_EQ(image.manifest.size(), other.manifest.size());
  // The other manifest's signature comes along, so the index entry verifies
  // and the blob's digest check is what refuses it.
  auto members = test::layout_and_index(ImageIndex{other.index_entries(), {}});
  for (auto& b : image.blobs()) members.push_back(std::move(b));
  for (const std::string* signature_blob : {&other.signature.manifest, &other.signature.config, &other.signature.payload}) {
    members.push_back(test::blob(*signature_blob));
  }
  test::member(members, "blobs/sha256/" + sha256_hex(image.manifest)).name = "blobs/sha256/" + other.manifest_descriptor.hex();
  expect_open_refused(archive_of(members),
                      {"manifest blob " + other.manifest_descriptor.digest, "does not match its digest"});
}

TEST_F(OciRefusal, AWrongSizeIsNamed) {
  auto image = test::craft_image(test::make_tar({test::file("f", "x")}), "amd64");
  ImageManifest manifest = parse_manifest(image.manifest);
  manifest.layers[0].size += 1;
  image.manifest = to_json(manifest);
  image.sign();  // a signed builder's mistake, not an attacker's: the size check still holds
  expect_open_refused(archive_of(image.members()),
                      {"layer blob " + manifest.layers[0].digest, "its descriptor says " + std::to_string(manifest.layers[0].size)});
}

// A chunk index comes after the slot image it indexes, never alone.
TEST_F(OciRefusal, AChunkIndexWithoutItsSlotImageIsRefused) {
  auto image = test::craft_image(test::make_tar({test::file("f", "x")}), "amd64");
  ImageManifest manifest = parse_manifest(image.manifest);
  manifest.layers.push_back(Descriptor{kChunkIndexMediaType, "sha256:" + sha256_hex("index"), 5, {}, std::nullopt});
  image.manifest = to_json(manifest);
  image.sign();
  expect_open_refused(archive_of(image.members()),
                      {"image has 2 layers", std::string("optionally its ") + kChunkIndexMediaType});
}

TEST_F(OciRefusal, AMissingBlobIsNamed) {
  auto image = test::craft_image(test::make_tar({test::file("f", "x")}), "amd64");
  auto members = image.members();
  std::erase_if(members, [&](const RawEntry& e) { return e.name == "blobs/sha256/" + sha256_hex(image.layer); });
  expect_open_refused(archive_of(members), {"has no layer blob (blobs/sha256/" + sha256_hex(image.layer) + ")"});
}

TEST_F(OciRefusal, AMemberTwice) {
  auto image = test::craft_image(test::make_tar({test::file("f", "x")}), "amd64");
  auto members = image.members();
  members.push_back(test::file("index.json", "{}"));
  expect_open_refused(archive_of(members), {"holds 'index.json' twice"});
}

TEST_F(OciRefusal, NotAnOciLayout) {
  expect_open_refused(archive_of({test::file("hello", "world")}), {"has no oci-layout"});
}

TEST_F(OciRefusal, AnUnsignedImage) {
  auto image = test::craft_image(test::make_tar({test::file("f", "x")}), "amd64");
  auto members = test::layout_and_index(ImageIndex{{image.manifest_descriptor}, {}});
  for (auto& b : image.blobs()) members.push_back(std::move(b));
  expect_open_refused(archive_of(members), {"carries no signature", test::signature_tag_of(image)});
}

TEST_F(OciRefusal, AnImageSignedByAnUntrustedKey) {
  auto image = test::craft_image(test::make_tar({test::file("f", "x")}), "amd64");
  auto stranger = signing::PrivateKey::generate();
  image.sign("", &stranger);
  expect_open_refused(archive_of(image.members()), {"does not verify with any trusted key"});
}

TEST_F(OciRefusal, AChangedLayerUnderTheOriginalSignature) {
  // The attacker rewrites the layer and every digest up to the manifest, but
  // cannot sign: the original signature names the original manifest.
  auto image = test::craft_image(test::make_tar({test::file("bin/installer", "ours")}), "amd64");
  auto original_signature = image.signature;
  auto forged = test::craft_image(test::make_tar({test::file("bin/installer", "theirs")}), "amd64");
  forged.signature = original_signature;
  forged.signature_descriptor = test::describe(kManifestMediaType, original_signature.manifest);
  forged.signature_descriptor.annotations[kRefNameAnnotation] = test::signature_tag_of(forged);
  expect_open_refused(archive_of(forged.members()),
                      {"the signature covers image " + image.manifest_descriptor.digest,
                       "not this image " + forged.manifest_descriptor.digest});
}

TEST_F(OciRefusal, ASignatureArtifactWithoutItsSignature) {
  auto image = test::craft_image(test::make_tar({test::file("f", "x")}), "amd64");
  ImageManifest signature = parse_manifest(image.signature.manifest);
  signature.layers[0].annotations.clear();
  image.signature.manifest = to_json(signature);
  image.signature_descriptor.digest = test::describe(kManifestMediaType, image.signature.manifest).digest;
  image.signature_descriptor.size = image.signature.manifest.size();
  expect_open_refused(archive_of(image.members()), {"has no dev.cosignproject.cosign/signature annotation"});
}

class OciMultiArch : public OciRefusal {
 protected:
  test::CraftedImage amd64_ = test::craft_image(test::make_tar({test::file("arch", "amd64")}), "amd64");
  test::CraftedImage arm64_ = test::craft_image(test::make_tar({test::file("arch", "arm64")}), "arm64");
  std::vector<RawEntry> blobs() const {
    auto all = amd64_.blobs();
    for (auto& b : arm64_.blobs()) all.push_back(std::move(b));
    return all;
  }
};

TEST_F(OciMultiArch, AnIndexListingBothPlatforms) {
  auto entries = amd64_.index_entries();
  for (auto& d : arm64_.index_entries()) entries.push_back(d);
  auto members = test::layout_and_index(ImageIndex{entries, {}});
  for (auto& b : blobs()) members.push_back(std::move(b));
  fs::path archive = archive_of(members);
  ImageArchive arm(archive, "arm64", test::trust());
  EXPECT_EQ(arm.info().architecture, "arm64");
  EXPECT_EQ(arm.read_file("arch", 100), "arm64");
  ImageArchive amd(archive, "amd64", test::trust());
  EXPECT_EQ(amd.read_file("arch", 100), "amd64");
  expect_open_refused(archive, {"no manifest for architecture riscv64 (it has: amd64, arm64)"}, "riscv64");
}

TEST_F(OciMultiArch, AnIndexPointingToAnImageIndex) {
  std::string nested = to_json(ImageIndex{{amd64_.manifest_descriptor, arm64_.manifest_descriptor}, {}});
  // The signatures stay in the top-level index.json, beside the nested index.
  auto members = test::layout_and_index(ImageIndex{
      {test::describe(kIndexMediaType, nested), amd64_.signature_descriptor, arm64_.signature_descriptor}, {}});
  members.push_back(test::blob(nested));
  for (auto& b : blobs()) members.push_back(std::move(b));
  ImageArchive arm(archive_of(members), "arm64", test::trust());
  EXPECT_EQ(arm.read_file("arch", 100), "arm64");
}

TEST_F(OciMultiArch, APlatformThatLiesAboutTheConfig) {
  // The index says arm64, the config says amd64: the config wins, and we refuse.
  // Signed as arm64 too (a builder's mistake): the config check still holds.
  auto image = amd64_;
  image.sign("arm64");
  auto lying = image.manifest_descriptor;
  lying.platform->architecture = "arm64";
  auto members = test::layout_and_index(ImageIndex{{lying, image.signature_descriptor}, {}});
  for (auto& b : image.blobs()) members.push_back(std::move(b));
  expect_open_refused(archive_of(members), {"is for linux/amd64, not linux/arm64"}, "arm64");
}

}  // namespace
}  // namespace bronze::oci
