// The archive the imager writes, read by the tool releases are pushed with:
// skopeo must inspect it (architecture, annotations) and copy it, and what
// skopeo copies must still open with our reader.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/files.h"
#include "base/subprocess.h"
#include "installer_image/image_archive.h"
#include "installer_image/image_writer.h"
#include "installer_image/signature_artifact.h"
#include "tests/support/oci_test_archives.h"

namespace bronze::oci {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class SkopeoReadsOurArchive : public ::testing::Test {
 protected:
  void SetUp() override {
    // Not a skip: a release cannot be pushed without skopeo.
    ASSERT_TRUE(program_exists("skopeo")) << "skopeo is missing: apt-get install skopeo";
    // An explicit policy, so the host's /etc/containers/policy.json does not matter.
    write_file(policy_, R"({"default":[{"type":"insecureAcceptAnything"}]})");
    fs::create_directories(dir_.path() / "src");
    write_file(dir_.path() / "src/vmlinuz", "kernel");
    write_file(dir_.path() / "src/rootfs.sqfs", std::string(100000, 's'));
    spec_.files = {{"boot/vmlinuz", dir_.path() / "src/vmlinuz", 0644},
                   {"usr/share/bronze/rootfs.sqfs", dir_.path() / "src/rootfs.sqfs", 0644}};
    spec_.annotations = {{"org.opencontainers.image.version", "v9.8.7"}, {"dev.bronze.platform", "metal"}};
    spec_.arch = "arm64";  // not the host's: skopeo must report what the image says
    spec_.tag = "v9.8.7";
    spec_.epoch = 1700000000;
    spec_.sign = test::signer("arm64");
    write_image_archive(spec_, archive_);
  }

  RunResult skopeo(std::vector<std::string> args) {
    args.insert(args.begin(), {"skopeo", "--policy", policy_.string()});
    return run_checked(args, {{{"TMPDIR", dir_.path().string()}}, {}, {}});
  }

  TempDir dir_{"bronze-oci-skopeo"};
  fs::path policy_ = dir_.path() / "policy.json";
  fs::path archive_ = dir_.path() / "installer-arm64.tar";
  ImageSpec spec_;
};

TEST_F(SkopeoReadsOurArchive, InspectShowsArchitectureAndAnnotations) {
  // The archive holds the image and its signature: skopeo is told which.
  json inspected = json::parse(skopeo({"inspect", "oci-archive:" + archive_.string() + ":v9.8.7"}).out);
  EXPECT_EQ(inspected.value("Architecture", ""), "arm64") << inspected.dump(2);
  EXPECT_EQ(inspected.value("Os", ""), "linux") << inspected.dump(2);
  ASSERT_TRUE(inspected.contains("Labels") && inspected["Labels"].is_object()) << inspected.dump(2);
  for (const auto& [key, value] : spec_.annotations) EXPECT_EQ(inspected["Labels"].value(key, ""), value) << key;

  json raw = json::parse(skopeo({"inspect", "--raw", "oci-archive:" + archive_.string() + ":v9.8.7"}).out);
  EXPECT_EQ(raw.value("mediaType", ""), "application/vnd.oci.image.manifest.v1+json");
  for (const auto& [key, value] : spec_.annotations) EXPECT_EQ(raw["annotations"].value(key, ""), value) << key;
}

TEST_F(SkopeoReadsOurArchive, InspectFindsTheImageByTag) {
  json inspected = json::parse(skopeo({"inspect", "oci-archive:" + archive_.string() + ":v9.8.7"}).out);
  EXPECT_EQ(inspected.value("Architecture", ""), "arm64");
  EXPECT_NE(run({"skopeo", "--policy", policy_.string(), "inspect", "oci-archive:" + archive_.string() + ":nope"}).exit_code,
            0);
}

TEST_F(SkopeoReadsOurArchive, CopyGivesAnArchiveWeCanInstallFrom) {
  // A release copies the image and its signature, as cosign users do. With
  // --preserve-digests skopeo keeps the manifest's bytes (it would otherwise
  // compress the layer), so the signature still covers the copy.
  std::string digest = ImageArchive(archive_, "arm64", test::trust()).info().manifest_digest;
  fs::path layout = dir_.path() / "copy";
  skopeo({"copy", "--quiet", "--preserve-digests", "oci-archive:" + archive_.string() + ":v9.8.7",
          "oci:" + layout.string() + ":v9.8.7"});
  // The image alone is refused: nothing vouches for it.
  fs::path unsigned_copy = dir_.path() / "unsigned.tar";
  run_checked({"tar", "-C", layout.string(), "-cf", unsigned_copy.string(), "."});
  EXPECT_THROW(ImageArchive(unsigned_copy, "arm64", test::trust()), Error);
  std::string tag = signature_tag(digest);
  skopeo({"copy", "--quiet", "--preserve-digests", "oci-archive:" + archive_.string() + ":" + tag,
          "oci:" + layout.string() + ":" + tag});
  fs::path copy = dir_.path() / "copy.tar";
  run_checked({"tar", "-C", layout.string(), "-cf", copy.string(), "."});
  ImageArchive image(copy, "arm64", test::trust());
  EXPECT_EQ(image.info().manifest_digest, digest);
  EXPECT_EQ(image.annotations(), spec_.annotations);
  EXPECT_EQ(image.read_file("boot/vmlinuz", 1024), "kernel");
  image.extract(dir_.path() / "out", 1 << 20);
  EXPECT_EQ(read_file(dir_.path() / "out/usr/share/bronze/rootfs.sqfs"), std::string(100000, 's'));
}

}  // namespace
}  // namespace bronze::oci
