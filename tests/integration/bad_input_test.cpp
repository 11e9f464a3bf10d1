// Bad input to the imager: a clear message naming the problem, a nonzero
// exit, and nothing left in the output folder.

#include <gtest/gtest.h>

#include "base/files.h"
#include "tests/support/image_fixture.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    make_key_pair(dir_.path());
    out_ = dir_.path() / "out";
    fs::create_directories(out_);
  }
  std::vector<std::string> args(const std::string& platform = "metal") {
    return {platform, "--version", "v1", "--kernel", kernel_image().string(), "--out", out_.string(),
            "--signing-key", (dir_.path() / "key.pem").string(), "--quiet"};
  }
  void expect_refused(const std::vector<std::string>& a, int code, const std::string& message) {
    auto r = run_imager(a);
    EXPECT_EQ(r.exit_code, code) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << "stderr: " << r.err;
    EXPECT_TRUE(list_dir(out_).empty()) << "left behind: " << ::testing::PrintToString(list_dir(out_));
  }

  TempDir dir_{"bronze-bad-input"};
  fs::path out_;
};

TEST_F(BadInput, UnknownPlatform) { expect_refused(args("amiga"), 1, "unknown platform 'amiga'"); }

TEST_F(BadInput, UnknownArch) {
  auto a = args();
  a.insert(a.end(), {"--arch", "sparc"});
  expect_refused(a, 2, "sparc");
}

TEST_F(BadInput, ArchThePlatformDoesNotHave) {
  // DigitalOcean's droplets are amd64 only.
  auto a = args("digitalocean");
  a.insert(a.end(), {"--arch", "arm64"});
  expect_refused(a, 1, "platform digitalocean has no arch arm64 (it has: amd64)");
}

TEST_F(BadInput, Arm64WithoutGrubModules) {
  auto a = args();
  a.insert(a.end(), {"--arch", "arm64", "--grub-efi-modules", (dir_.path() / "no-grub").string()});
  expect_refused(a, 1, "GRUB's arm64-efi modules are not in " + (dir_.path() / "no-grub").string());
}

TEST_F(BadInput, NodeBinaryOfAnotherArch) {
  // --output kernel needs no GRUB: the first check that fails is init's arch.
  auto a = args();
  a.insert(a.end(), {"--arch", "arm64", "--output", "kernel", "--init", BRONZE_MACHINED, "--machined", BRONZE_MACHINED});
  expect_refused(a, 1, std::string("init binary ") + BRONZE_MACHINED + " is built for amd64, not arm64");
}

TEST_F(BadInput, KernelPathMissing) {
  auto a = args();
  a[4] = (dir_.path() / "no-such-bzImage").string();
  expect_refused(a, 1, "no-such-bzImage not found");
}

TEST_F(BadInput, OutputFolderUnwritable) {
  write_file(dir_.path() / "a-file", "x");
  auto a = args();
  a[6] = (dir_.path() / "a-file" / "out").string();
  auto r = run_imager(a);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("output folder"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(dir_.path() / "a-file"), "x");
}

TEST_F(BadInput, DiskTooSmallForTheLayout) {
  auto a = args();
  a.insert(a.end(), {"--disk-size", "300MiB"});
  expect_refused(a, 1, "too small for the layout");
}

TEST_F(BadInput, MalformedSize) {
  auto a = args();
  a.insert(a.end(), {"--disk-size", "2GB"});
  expect_refused(a, 1, "use B, KiB, MiB or GiB");
}

TEST_F(BadInput, UnsignableKey) {
  write_file(dir_.path() / "junk.pem", "junk");
  auto a = args();
  a[8] = (dir_.path() / "junk.pem").string();
  expect_refused(a, 1, "junk.pem");
}

// Unknown choices are usage errors, as for --arch.
TEST_F(BadInput, UnknownOutput) {
  auto a = args();
  a.insert(a.end(), {"--output", "floppy"});
  expect_refused(a, 2, "floppy not in {image,iso,kernel,initramfs,installer}");
}

TEST_F(BadInput, UnknownCompression) {
  auto a = args();
  a.insert(a.end(), {"--compress", "bzip2"});
  expect_refused(a, 2, "bzip2 not in {zstd,xz,gz}");
}

TEST_F(BadInput, CompressingAnInstallerImage) {
  auto a = args();
  a.insert(a.end(), {"--output", "installer", "--compress", "zstd"});
  expect_refused(a, 1, "--compress zstd makes no sense with --output installer: the installer image is an OCI archive");
}

TEST_F(BadInput, CompressingAGzippedFormat) {
  auto a = args("digitalocean");
  a.insert(a.end(), {"--compress", "xz"});
  expect_refused(a, 1, "--compress xz makes no sense with --output image: format raw.gz is gzipped already");
  auto gcp = args("gcp");
  gcp.insert(gcp.end(), {"--compress", "gz"});
  expect_refused(gcp, 1, "format tar.gz is gzipped already");
}

TEST_F(BadInput, CompressingTheKernel) {
  auto a = args();
  a.insert(a.end(), {"--output", "kernel", "--compress", "gz"});
  expect_refused(a, 1, "a kernel image (bzImage) compresses itself");
}

TEST_F(BadInput, DiskOptionsWithAnIso) {
  auto format = args();
  format.insert(format.end(), {"--output", "iso", "--format", "raw"});
  expect_refused(format, 1, "--format raw makes no sense with --output iso");
  auto size = args();
  size.insert(size.end(), {"--output", "iso", "--disk-size", "2GiB"});
  expect_refused(size, 1, "--disk-size makes no sense with --output iso");
}

TEST_F(BadInput, VerifyWithAWrongOrMissingKey) {
  auto r = run_imager({"verify", "--key", (dir_.path() / "nokey.pub").string(), (dir_.path() / "x.raw").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nokey.pub"), std::string::npos) << r.err;
  auto usage = run_imager({"verify", (dir_.path() / "x.raw").string()});
  EXPECT_EQ(usage.exit_code, 2) << usage.err;
}

TEST_F(BadInput, VerifyADiskWithoutOurLayout) {
  write_file(dir_.path() / "blank.raw", std::string(4 * 1024 * 1024, '\0'));
  auto r = run_imager({"verify", "--key", (dir_.path() / "key.pub").string(), (dir_.path() / "blank.raw").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Bronze's layout"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace bronze::test
