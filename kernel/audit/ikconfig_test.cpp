// IKCONFIG extraction from synthetic kernel images: the config blob directly
// in the image, and inside payloads compressed the ways kernels are.
#include "kernel/audit/ikconfig.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/files.h"
#include "kernel/audit/decompress.h"
#include "kernel/audit/kspp_audit.h"
#include "tests/support/kspp_test_support.h"

namespace bronze::kspp {
namespace {

using testing::Compression;
using testing::compress;
using testing::fake_compressed_kernel;
using testing::ikconfig_blob;

const std::string kConfig =
    "#\n# Linux/x86 6.1.192 Kernel Configuration\n#\nCONFIG_X86_64=y\nCONFIG_BUG=y\n"
    "# CONFIG_DEVMEM is not set\nCONFIG_LSM=\"landlock,lockdown,yama\"\n";

TEST(IkconfigTest, FindsTheBlobInAnUncompressedImage) {
  std::string image = std::string(1000, '\x90') + std::string("\0\x01\x02", 3) + ikconfig_blob(kConfig) +
                      std::string(5000, '\xcc');
  auto text = extract_ikconfig(image);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, kConfig);
}

TEST(IkconfigTest, SkipsAStrayStartMarker) {
  // The marker string can occur elsewhere (a string table); the real blob follows.
  std::string image = std::string("IKCFG_ST not gzip IKCFG_ED ") + ikconfig_blob(kConfig);
  auto text = extract_ikconfig(image);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, kConfig);
}

class CompressedPayloadTest : public ::testing::TestWithParam<Compression> {};

TEST_P(CompressedPayloadTest, FindsTheBlobInsideTheCompressedPayload) {
  std::string image = fake_compressed_kernel(kConfig, GetParam());
  // The compressed image does not show the marker in the clear.
  ASSERT_EQ(image.find("IKCFG_ST"), std::string::npos);
  auto text = extract_ikconfig(image);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, kConfig);
}

INSTANTIATE_TEST_SUITE_P(Formats, CompressedPayloadTest,
                         ::testing::Values(Compression::Gzip, Compression::Xz, Compression::Zstd, Compression::Bzip2,
                                           Compression::Lzma));

TEST(IkconfigTest, UsesTheBzImageSetupHeader) {
  // A bzImage: setup sectors at 0x1f1, "HdrS" at 0x202, payload offset at 0x248.
  std::string payload = compress(std::string(3000, 'k') + ikconfig_blob(kConfig), Compression::Xz);
  std::string image(5 * 512 + 0x100, 'S');
  image[0x1f1] = 4;
  image.replace(0x202, 4, "HdrS");
  const uint32_t offset = 0x100;
  for (int i = 0; i < 4; ++i) image[0x248 + static_cast<size_t>(i)] = static_cast<char>((offset >> (8 * i)) & 0xff);
  image += payload + std::string(100, 'T');
  auto text = extract_ikconfig(image);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, kConfig);
}

TEST(IkconfigTest, NoConfigInTheImage) {
  EXPECT_FALSE(extract_ikconfig(std::string(100000, '\x90')).has_value());
  EXPECT_FALSE(extract_ikconfig(compress(std::string(100000, 'x'), Compression::Gzip)).has_value());
  EXPECT_FALSE(extract_ikconfig("").has_value());
}

class DecompressTest : public ::testing::TestWithParam<Compression> {};

TEST_P(DecompressTest, StopsAtTheEndOfTheStream) {
  // What follows a kernel's payload is not more compressed data.
  auto out = decompress_prefix(compress("hello kernel", GetParam()) + "trailing junk", 1024);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(*out, "hello kernel");
}

TEST_P(DecompressTest, HonoursTheLimit) {
  auto out = decompress_prefix(compress(std::string(1 << 20, 'z'), GetParam()), 100000);
  ASSERT_TRUE(out.has_value());
  EXPECT_GE(out->size(), 100000u);
  EXPECT_LT(out->size(), size_t{1} << 20);
}

INSTANTIATE_TEST_SUITE_P(Formats, DecompressTest,
                         ::testing::Values(Compression::Gzip, Compression::Xz, Compression::Zstd, Compression::Bzip2,
                                           Compression::Lzma));

TEST(IkconfigTest, DecompressRejectsWhatIsNotCompressed) {
  EXPECT_FALSE(decompress_prefix("plain text is not compressed", 1024).has_value());
  EXPECT_FALSE(decompress_prefix("", 1024).has_value());
  // A gzip magic followed by garbage decodes to nothing.
  EXPECT_FALSE(decompress_prefix(std::string("\x1f\x8b\x08garbage-garbage-garbage"), 1024).has_value());
}

TEST(IkconfigTest, LooksLikeConfig) {
  EXPECT_TRUE(looks_like_config("CONFIG_BUG=y\n"));
  EXPECT_TRUE(looks_like_config("#\n# comment\n# CONFIG_BUG is not set\n"));
  EXPECT_FALSE(looks_like_config("hello"));
  EXPECT_FALSE(looks_like_config(std::string("CONFIG_BUG=y\n\0binary", 20)));
}

class LoadConfigTest : public ::testing::Test {
 protected:
  TempDir dir_{"kspp-test"};
  std::filesystem::path write(const std::string& name, const std::string& data) {
    auto path = dir_.path() / name;
    write_file(path, data);
    return path;
  }
};

TEST_F(LoadConfigTest, ReadsAConfigFile) {
  auto config = load_config(write("config", kConfig));
  EXPECT_EQ(config.raw("BUG"), "y");
  EXPECT_EQ(config.version()->str(), "6.1.192");
}

TEST_F(LoadConfigTest, ReadsAGzippedConfig) {
  auto config = load_config(write("config.gz", compress(kConfig, Compression::Gzip)));
  EXPECT_EQ(config.raw("LSM"), "\"landlock,lockdown,yama\"");
}

TEST_F(LoadConfigTest, ReadsTheConfigOfAKernelImage) {
  auto config = load_config(write("vmlinuz", fake_compressed_kernel(kConfig, Compression::Xz)));
  EXPECT_EQ(config.raw("BUG"), "y");
  EXPECT_EQ(config.arch(), "amd64");
  auto report = audit(config, {});
  EXPECT_EQ(report.find("BUG")->outcome, Outcome::Ok);
}

TEST_F(LoadConfigTest, ImageWithoutConfigNamesTheProblem) {
  auto path = write("vmlinuz", std::string(4096, '\x90') + compress(std::string(50000, 'x'), Compression::Gzip));
  try {
    load_config(path);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    EXPECT_NE(message.find("CONFIG_IKCONFIG"), std::string::npos) << message;
  }
}

TEST_F(LoadConfigTest, MissingFileNamesThePath) {
  auto path = dir_.path() / "nope";
  try {
    load_config(path);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_config(dir_.path()), Error);  // a directory
}

}  // namespace
}  // namespace bronze::kspp
