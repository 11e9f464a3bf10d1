// Every cloud output checked with the tool its users' platform would use:
// qemu-img info and check, tar, the OVF descriptor parsed with xmllint.

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/files.h"
#include "tests/support/image_fixture.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
constexpr uint64_t GiB = 1024ULL * 1024 * 1024;

class CloudFormats : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("bronze-cloud-formats");
    make_key_pair(dir_->path());
  }
  static void TearDownTestSuite() { delete dir_; }

  // Builds `platform` (in `format` when given) and returns the output path.
  static fs::path build(const std::string& platform, const std::string& format, const std::string& extension) {
    fs::path out = dir_->path() / (platform + "-" + extension);
    auto argv = imager_build_argv(platform, out, "v1", dir_->path() / "key.pem", {});
    if (!format.empty()) argv.insert(argv.end(), {"--format", format});
    run_checked(argv);
    fs::path image = out / (platform + "-amd64." + extension);
    EXPECT_TRUE(fs::exists(image)) << ::testing::PrintToString(list_dir(out));
    EXPECT_FALSE(fs::exists(out / (platform + "-amd64.raw"))) << "the intermediate raw disk was left behind";
    return image;
  }
  // `format`: qemu-img does not recognise a fixed VHD by probing (it has
  // only a footer), so Azure's users name the format.
  static json info(const fs::path& image, const std::string& format = "") {
    std::vector<std::string> argv = {"qemu-img", "info", "--output=json"};
    if (!format.empty()) argv.insert(argv.end(), {"-f", format});
    argv.push_back(image.string());
    return json::parse(run_checked(argv).out);
  }

  static TempDir* dir_;
};
TempDir* CloudFormats::dir_ = nullptr;

TEST_F(CloudFormats, OpenstackQcow2) {
  auto image = build("openstack", "", "qcow2");
  auto i = info(image);
  EXPECT_EQ(i["format"], "qcow2");
  EXPECT_EQ(i["virtual-size"], GiB);
  auto check = run({"qemu-img", "check", image.string()});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

TEST_F(CloudFormats, AzureFixedVhdOfWholeMiB) {
  auto image = build("azure", "", "vhd");
  auto i = info(image, "vpc");
  EXPECT_EQ(i["format"], "vpc");
  uint64_t size = i["virtual-size"];
  EXPECT_EQ(size, GiB);
  EXPECT_EQ(size % (1024 * 1024), 0u);
  // A fixed VHD is the disk followed by a 512-byte footer.
  EXPECT_EQ(fs::file_size(image), size + 512);
}

TEST_F(CloudFormats, AwsStreamOptimizedVmdk) {
  auto image = build("aws", "vmdk", "vmdk");
  auto i = info(image);
  EXPECT_EQ(i["format"], "vmdk");
  EXPECT_EQ(i["virtual-size"], GiB);
  EXPECT_EQ(i["format-specific"]["data"]["create-type"], "streamOptimized");
  auto check = run({"qemu-img", "check", image.string()});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

TEST_F(CloudFormats, VmwareOvaWithOvfAndVmdk) {
  auto image = build("vmware", "", "ova");
  auto listing = run_checked({"tar", "-tf", image.string()}).out;
  EXPECT_EQ(listing, "vmware-amd64.ovf\nvmware-amd64-disk1.vmdk\n") << "the OVF must come first";
  fs::path unpacked = dir_->path() / "ova";
  fs::create_directories(unpacked);
  run_checked({"tar", "-xf", image.string(), "-C", unpacked.string()});
  fs::path ovf = unpacked / "vmware-amd64.ovf";
  auto xpath = [&](const std::string& expression) {
    std::string value = run_checked({"xmllint", "--xpath", expression, ovf.string()}).out;
    while (!value.empty() && value.back() == '\n') value.pop_back();
    return value;
  };
  std::string href = xpath("string(//*[local-name()='File']/@*[local-name()='href'])");
  std::string declared_size = xpath("string(//*[local-name()='File']/@*[local-name()='size'])");
  std::string capacity = xpath("string(//*[local-name()='Disk']/@*[local-name()='capacity'])");
  EXPECT_EQ(href, "vmware-amd64-disk1.vmdk");
  EXPECT_EQ(std::stoull(declared_size), fs::file_size(unpacked / href));
  auto i = info(unpacked / href);
  EXPECT_EQ(i["format"], "vmdk");
  EXPECT_EQ(i["format-specific"]["data"]["create-type"], "streamOptimized");
  EXPECT_EQ(std::stoull(capacity), i["virtual-size"].get<uint64_t>());
  // vSphere hands the OVF environment, with the config property, over on a CD.
  EXPECT_EQ(xpath("string(//*[local-name()='VirtualHardwareSection']/@*[local-name()='transport'])"), "iso");
  EXPECT_EQ(xpath("count(//*[local-name()='Item'][*[local-name()='ResourceType']='15'])"), "1");
  EXPECT_EQ(xpath("string(//*[local-name()='ProductSection']/*[local-name()='Property'][1]/@*[local-name()='key'])"),
            "bronze.config");
}

TEST_F(CloudFormats, GcpDiskRawInAGzippedGnuTar) {
  auto image = build("gcp", "", "tar.gz");
  auto listing = run_checked({"tar", "-tvzf", image.string()}).out;
  EXPECT_NE(listing.find(" disk.raw\n"), std::string::npos) << listing;
  EXPECT_NE(listing.find(std::to_string(GiB)), std::string::npos) << listing;
  // GCP wants the GNU tar format.
  std::unique_ptr<archive, int (*)(archive*)> a(archive_read_new(), archive_read_free);
  archive_read_support_filter_gzip(a.get());
  archive_read_support_format_tar(a.get());
  ASSERT_EQ(archive_read_open_filename(a.get(), image.c_str(), 1 << 16), ARCHIVE_OK);
  archive_entry* entry = nullptr;
  ASSERT_EQ(archive_read_next_header(a.get(), &entry), ARCHIVE_OK);
  EXPECT_STREQ(archive_entry_pathname(entry), "disk.raw");
  EXPECT_EQ(archive_format(a.get()), ARCHIVE_FORMAT_TAR_GNUTAR) << archive_format_name(a.get());
}

TEST_F(CloudFormats, DigitaloceanGzippedRaw) {
  auto image = build("digitalocean", "", "raw.gz");
  auto test = run({"gzip", "-t", image.string()});
  EXPECT_EQ(test.exit_code, 0) << test.err;
  auto listing = run_checked({"gzip", "-l", image.string()}).out;
  EXPECT_NE(listing.find(std::to_string(GiB)), std::string::npos) << listing;
}

TEST_F(CloudFormats, AFormatThePlatformDoesNotTakeIsRefused) {
  fs::path out = dir_->path() / "refused";
  auto argv = imager_build_argv("metal", out, "v1", dir_->path() / "key.pem", {});
  argv.insert(argv.end(), {"--format", "vhd"});
  auto r = run(argv);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("does not take format vhd"), std::string::npos) << r.err;
  EXPECT_TRUE(list_dir(out).empty()) << ::testing::PrintToString(list_dir(out));
}

}  // namespace
}  // namespace bronze::test
