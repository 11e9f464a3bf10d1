// The imager audits the kernel of every image it builds: a kernel whose
// config breaks a KSPP rule is refused, naming the rule, unless the platform
// accepts it with a written reason, which then appears in the signed
// manifest. The command line it assembles is audited too.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/files.h"
#include "tests/support/image_fixture.h"
#include "tests/support/kspp_test_support.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;

class KsppImager : public ::testing::Test {
 protected:
  void SetUp() override {
    make_key_pair(dir_.path());
    // A data folder of our own, to give the platform exceptions.
    data_ = dir_.path() / "data";
    fs::create_directories(data_ / "platforms");
    fs::create_directories(data_ / "kernel" / "audit");
    fs::create_directories(data_ / "kernel" / "cmdline");
    fs::copy_file(fs::path(BRONZE_SOURCE_DIR) / "kernel" / "cmdline" / "cmdline.yaml",
                  data_ / "kernel" / "cmdline" / "cmdline.yaml");
    fs::copy_file(fs::path(BRONZE_SOURCE_DIR) / "kernel" / "audit" / "exceptions-amd64.yaml",
                  data_ / "kernel" / "audit" / "exceptions-amd64.yaml");
    platform_ = read_file(fs::path(BRONZE_SOURCE_DIR) / "platforms" / "metal.yaml");
    write_file(data_ / "platforms" / "metal.yaml", platform_);

    // The project's kernel config with one KSPP rule broken, in a kernel-like
    // image that carries it through IKCONFIG.
    std::string config = read_file(kernel_dir() / "config");
    const std::string good = "CONFIG_SLAB_FREELIST_HARDENED=y\n";
    auto at = config.find(good);
    ASSERT_NE(at, std::string::npos);
    config.replace(at, good.size(), "# CONFIG_SLAB_FREELIST_HARDENED is not set\n");
    bad_kernel_ = dir_.path() / "bzImage-weak";
    write_file(bad_kernel_, kspp::testing::fake_compressed_kernel(config, kspp::testing::Compression::Zstd));
    out_ = dir_.path() / "out";
  }

  RunResult build(const fs::path& kernel, const std::vector<std::string>& more = {}) {
    std::vector<std::string> args = {"metal", "--version", "v1", "--kernel", kernel.string(), "--out", out_.string(),
                                     "--signing-key", (dir_.path() / "key.pem").string(), "--data-dir", data_.string()};
    args.insert(args.end(), more.begin(), more.end());
    return run_imager(args);
  }

  TempDir dir_{"bronze-kspp-imager"};
  fs::path data_, out_, bad_kernel_;
  std::string platform_;
};

TEST_F(KsppImager, RefusesAKernelThatBreaksARule) {
  auto r = build(bad_kernel_);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("fails the KSPP audit"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("SLAB_FREELIST_HARDENED"), std::string::npos) << r.err;
  EXPECT_TRUE(list_dir(out_).empty()) << ::testing::PrintToString(list_dir(out_));
}

TEST_F(KsppImager, AcceptsItWithAReasonedExceptionThatGoesIntoTheManifest) {
  write_file(data_ / "platforms" / "metal.yaml",
             platform_ + "kspp_exceptions:\n  SLAB_FREELIST_HARDENED: \"test kernel: the freelist check is measured elsewhere\"\n");
  auto r = build(bad_kernel_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("kspp: accepted SLAB_FREELIST_HARDENED"), std::string::npos) << r.err;
  auto manifest = nlohmann::json::parse(read_file(out_ / "metal-amd64.manifest.json"));
  bool found = false;
  for (const auto& e : manifest["kspp_exceptions"]) {
    if (e["option"] == "SLAB_FREELIST_HARDENED") {
      found = true;
      EXPECT_EQ(e["reason"], "test kernel: the freelist check is measured elsewhere");
    }
  }
  EXPECT_TRUE(found) << manifest.dump(2);
}

TEST_F(KsppImager, AnExceptionWithoutAReasonIsRefused) {
  write_file(data_ / "platforms" / "metal.yaml", platform_ + "kspp_exceptions:\n  SLAB_FREELIST_HARDENED: \"\"\n");
  auto r = build(bad_kernel_);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("needs a written reason"), std::string::npos) << r.err;
}

TEST_F(KsppImager, ACommandLineThatWeakensTheKernelIsRefused) {
  auto r = build(kernel_image(), {"--extra-kernel-arg", "nokaslr"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nokaslr"), std::string::npos) << r.err;
  EXPECT_TRUE(list_dir(out_).empty());
}

// A kernel that passes the audit but lacks a driver the platform's guests
// need would make an image that cannot find its own disk.
TEST_F(KsppImager, RefusesAKernelWithoutThePlatformsDrivers) {
  std::string config = read_file(kernel_dir() / "config");
  const std::string nvme = "CONFIG_BLK_DEV_NVME=y\n";
  auto at = config.find(nvme);
  ASSERT_NE(at, std::string::npos);
  config.replace(at, nvme.size(), "# CONFIG_BLK_DEV_NVME is not set\n");
  fs::path kernel = dir_.path() / "bzImage-no-nvme";
  write_file(kernel, kspp::testing::fake_compressed_kernel(config, kspp::testing::Compression::Zstd));
  auto r = build(kernel);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("CONFIG_BLK_DEV_NVME (NVMe disks)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("metal guests need"), std::string::npos) << r.err;
  EXPECT_TRUE(list_dir(out_).empty()) << ::testing::PrintToString(list_dir(out_));
}

TEST_F(KsppImager, TheProjectKernelPassesWithItsReasonedExceptions) {
  auto r = build(kernel_image());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto manifest = nlohmann::json::parse(read_file(out_ / "metal-amd64.manifest.json"));
  for (const auto& e : manifest["kspp_exceptions"]) EXPECT_FALSE(e["reason"].get<std::string>().empty());
}

}  // namespace
}  // namespace bronze::test
