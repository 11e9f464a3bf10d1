// Pulls from a real registry (Debian's docker-registry, started here on
// 127.0.0.1) what skopeo pushed there, the way a release is published:
// single-arch and multi-arch images with their signatures beside them; and
// the failures a user meets: a damaged blob, a wrong digest, an unknown tag,
// a registry that is down, an image without its signature or with another's,
// a Docker-format copy (whose digest no signature names).

#include <gtest/gtest.h>

#include <memory>

#include "base/error.h"
#include "base/files.h"
#include "base/subprocess.h"
#include "installer_image/image_archive.h"
#include "installer_image/image_writer.h"
#include "installer_image/media_types.h"
#include "installer_image/outer_archive.h"
#include "installer_image/signature_artifact.h"
#include "pki/pki.h"
#include "registry/pull.h"
#include "tests/support/docker_registry_process.h"
#include "tests/support/loopback_http_server.h"
#include "tests/support/oci_test_archives.h"

namespace bronze::registry {
namespace {

namespace fs = std::filesystem;

constexpr const char* kRootfsPath = "usr/share/bronze/rootfs.sqfs";

class RegistryPullTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Not skips: releases are published with both.
    ASSERT_TRUE(fs::exists(test::kDockerRegistryProgram)) << "apt-get install docker-registry";
    ASSERT_TRUE(program_exists("skopeo")) << "apt-get install skopeo";
    dir_ = new TempDir("bronze-registry-pull");
    write_file(policy(), R"({"default":[{"type":"insecureAcceptAnything"}]})");
    registry_ = new test::DockerRegistryProcess(dir_->path());

    push(installer_archive("v1", "amd64", std::string(200000, 's')), "v1", false, {});
    single_digest_ = read_file(digest_file("v1"));
    push(installer_archive("docker", "amd64", "docker format"), "docker", false, {"--format", "v2s2"});
    push(multi_arch_archive(), "multi", true, {});
    push(installer_archive("tampered", "amd64", std::string(50000, 't')), "tampered", false, {});
    // No signature pushed beside it.
    push(installer_archive("unsigned", "amd64", "unsigned"), "unsigned", false, {}, false);
    // Under its signature tag, the signature of v1.
    fs::path stolen = installer_archive("stolen", "amd64", "stolen");
    push(stolen, "stolen", false, {}, false);
    skopeo({"copy", "--quiet", "--preserve-digests", "--dest-tls-verify=false",
            "oci-archive:" + (dir_->path() / "v1.tar").string() + ":" + oci::signature_tag(single_digest_),
            "docker://" + registry_->address() + "/bronze/installer:" + oci::signature_tag(read_file(digest_file("stolen")))});

    // A second registry as a company runs one: HTTPS with a certificate from
    // its own CA, and a login for every request. It holds v1 too.
    private_ca_ = new config::CertificateAuthority(config::make_ca("bronze test registry CA", config::valid_for(std::chrono::hours(1))));
    auto serving = config::issue_server_certificate(*private_ca_, "127.0.0.1", {"127.0.0.1"}, config::valid_for(std::chrono::hours(1)));
    fs::create_directories(dir_->path() / "secure");
    secure_ = new test::DockerRegistryProcess(
        dir_->path() / "secure",
        test::DockerRegistryOptions{kUser, kPassword, serving.certificate.to_pem(), serving.key.to_pem()});
    for (const std::string& tag : {std::string("v1"), oci::signature_tag(single_digest_)}) {
      skopeo({"copy", "--quiet", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds",
              std::string(kUser) + ":" + kPassword, "oci-archive:" + (dir_->path() / "v1.tar").string() + ":" + tag,
              "docker://" + secure_->address() + "/bronze/installer:" + tag});
    }
  }

  static void TearDownTestSuite() {
    delete secure_;
    secure_ = nullptr;
    delete private_ca_;
    private_ca_ = nullptr;
    delete registry_;
    registry_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }

  static fs::path policy() { return dir_->path() / "policy.json"; }
  static fs::path digest_file(const std::string& tag) { return dir_->path() / ("digest-" + tag); }

  static RunResult skopeo(std::vector<std::string> args) {
    args.insert(args.begin(), {"skopeo", "--policy", policy().string()});
    return run_checked(args, {{{"TMPDIR", dir_->path().string()}}, {}, {}});
  }

  // Pushes the image tagged `tag` in the archive and, with `signatures`,
  // every signature the archive carries, each under its own tag, the way a
  // release is published (see README.md).
  static void push(const fs::path& archive, const std::string& tag, bool all, std::vector<std::string> extra,
                   bool signatures = true) {
    std::vector<std::string> args = {"copy", "--quiet", "--dest-tls-verify=false", "--digestfile",
                                     digest_file(tag).string()};
    if (all) args.push_back("--all");
    // Unless told to convert: skopeo would compress the layer, and a changed
    // manifest is one its signature no longer names.
    if (extra.empty()) args.push_back("--preserve-digests");
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back("oci-archive:" + archive.string() + ":" + tag);
    args.push_back("docker://" + registry_->address() + "/bronze/installer:" + tag);
    skopeo(args);
    if (!signatures) return;
    oci::OuterArchive outer(archive);
    for (const auto& d : oci::parse_index(outer.read_member("index.json", 1 << 20)).manifests) {
      std::string ref = d.annotations.count(oci::kRefNameAnnotation) ? d.annotations.at(oci::kRefNameAnnotation) : "";
      if (!oci::is_signature_tag(ref)) continue;
      skopeo({"copy", "--quiet", "--preserve-digests", "--dest-tls-verify=false", "oci-archive:" + archive.string() + ":" + ref,
              "docker://" + registry_->address() + "/bronze/installer:" + ref});
    }
  }

  // What the registry serves for a tag, as skopeo sees it.
  static std::string raw_manifest(const std::string& tag) {
    return skopeo({"inspect", "--raw", "--tls-verify=false",
                   "docker://" + registry_->address() + "/bronze/installer:" + tag})
        .out;
  }

  // An image as the imager writes it, one payload file in its layer.
  static fs::path installer_archive(const std::string& name, const std::string& arch, const std::string& payload) {
    fs::path source = dir_->path() / (name + ".sqfs");
    write_file(source, payload);
    oci::ImageSpec spec;
    spec.files = {{kRootfsPath, source, 0644}};
    spec.annotations = {{"org.opencontainers.image.version", name}};
    spec.arch = arch;
    spec.tag = name;
    spec.epoch = 1700000000;
    spec.sign = oci::test::signer(arch);
    fs::path archive = dir_->path() / (name + ".tar");
    oci::write_image_archive(spec, archive);
    return archive;
  }

  // A multi-arch image: index.json names one image index (tag "multi")
  // that lists an amd64 and an arm64 image.
  static fs::path multi_arch_archive() {
    auto amd64 = oci::test::craft_image(oci::test::make_tar({oci::test::file(kRootfsPath, "amd64 rootfs")}), "amd64");
    auto arm64 = oci::test::craft_image(oci::test::make_tar({oci::test::file(kRootfsPath, "arm64 rootfs")}), "arm64");
    std::string inner = oci::to_json(oci::ImageIndex{{amd64.manifest_descriptor, arm64.manifest_descriptor}, {}});
    oci::Descriptor inner_entry = oci::test::describe(oci::kIndexMediaType, inner);
    inner_entry.annotations[oci::kRefNameAnnotation] = "multi";
    auto members = oci::test::layout_and_index(
        oci::ImageIndex{{inner_entry, amd64.signature_descriptor, arm64.signature_descriptor}, {}});
    members.push_back(oci::test::blob(inner));
    for (const auto& image : {amd64, arm64}) {
      for (auto& b : image.blobs()) members.push_back(std::move(b));
    }
    fs::path archive = dir_->path() / "multi.tar";
    oci::test::write_tar(archive, members);
    return archive;
  }

  Reference ref(const std::string& suffix) const {
    return parse_reference(registry_->address() + "/bronze/installer" + suffix);
  }

  static PullOptions options(const std::string& arch = "amd64") {
    PullOptions o;
    o.arch = arch;
    o.plain_http = true;
    o.timeout_seconds = 20;
    static const signing::TrustStore trust = oci::test::trust();
    o.trust = &trust;
    return o;
  }

  std::string pull_error(const Reference& r, const PullOptions& o) {
    try {
      pull_to_archive(r, o, output_);
    } catch (const Error& e) {
      EXPECT_TRUE(oci::test::list_tree(out_.path()).empty()) << "a failed pull left files behind";
      return e.what();
    }
    ADD_FAILURE() << "pull of " << r.str() << " succeeded";
    return "";
  }

  // The private registry as machine.registries.config describes it.
  static Endpoint secure_endpoint(std::optional<RegistryLogin> login, bool with_ca = true) {
    return Endpoint{"https://" + secure_->address(), false, std::move(login), with_ca ? private_ca_->certificate.to_pem() : ""};
  }

  static constexpr const char* kUser = "puller";
  static constexpr const char* kPassword = "correct horse";
  static TempDir* dir_;
  static test::DockerRegistryProcess* registry_;
  static test::DockerRegistryProcess* secure_;
  static config::CertificateAuthority* private_ca_;
  static std::string single_digest_;
  TempDir out_{"bronze-registry-out"};
  fs::path output_ = out_.path() / "installer.tar";
};

TempDir* RegistryPullTest::dir_ = nullptr;
test::DockerRegistryProcess* RegistryPullTest::registry_ = nullptr;
test::DockerRegistryProcess* RegistryPullTest::secure_ = nullptr;
config::CertificateAuthority* RegistryPullTest::private_ca_ = nullptr;
std::string RegistryPullTest::single_digest_;

TEST_F(RegistryPullTest, PullsByTag) {
  PullResult result = pull_to_archive(ref(":v1"), options(), output_);
  EXPECT_EQ(result.manifest_digest, single_digest_);
  EXPECT_EQ(result.claims.arch, "amd64");
  oci::ImageArchive image(output_, "amd64", oci::test::trust());
  EXPECT_EQ(image.info().manifest_digest, single_digest_);
  EXPECT_EQ(image.info().ref_name, "v1");
  EXPECT_EQ(image.annotations().at("org.opencontainers.image.version"), "v1");
  EXPECT_EQ(image.read_file(kRootfsPath, 1 << 20), std::string(200000, 's'));
}

TEST_F(RegistryPullTest, PullsByDigest) {
  PullResult result = pull_to_archive(ref("@" + single_digest_), options(), output_);
  EXPECT_EQ(result.manifest_digest, single_digest_);
  EXPECT_EQ(oci::ImageArchive(output_, "amd64", oci::test::trust()).info().manifest_digest, single_digest_);
}

TEST_F(RegistryPullTest, ChoosesTheArchitectureFromAMultiArchIndex) {
  oci::ImageIndex index = oci::parse_index(raw_manifest("multi"));
  std::map<std::string, std::string> digest_by_arch;
  for (const auto& d : index.manifests) digest_by_arch[d.platform.value().architecture] = d.digest;
  ASSERT_EQ(digest_by_arch.size(), 2u);

  EXPECT_EQ(pull_to_archive(ref(":multi"), options(), output_).manifest_digest, digest_by_arch["amd64"]);
  EXPECT_EQ(oci::ImageArchive(output_, "amd64", oci::test::trust()).read_file(kRootfsPath, 1024), "amd64 rootfs");

  // By the index's digest, for the other architecture.
  Reference by_digest = ref("@" + read_file(digest_file("multi")));
  EXPECT_EQ(pull_to_archive(by_digest, options("arm64"), output_).manifest_digest, digest_by_arch["arm64"]);
  oci::ImageArchive arm64(output_, "arm64", oci::test::trust());
  EXPECT_EQ(arm64.info().manifest_digest, digest_by_arch["arm64"]);
  EXPECT_EQ(arm64.read_file(kRootfsPath, 1024), "arm64 rootfs");

  fs::remove(output_);
  std::string message = pull_error(ref(":multi"), options("riscv64"));
  EXPECT_NE(message.find("no manifest for architecture riscv64 (it has: amd64, arm64)"), std::string::npos) << message;
}

TEST_F(RegistryPullTest, RefusesADockerFormatCopyWhoseDigestNoSignatureNames) {
  ASSERT_NE(raw_manifest("docker").find("application/vnd.docker.distribution.manifest.v2+json"), std::string::npos);
  std::string message = pull_error(ref(":docker"), options());
  EXPECT_NE(message.find("is stored as a Docker manifest"), std::string::npos) << message;
  EXPECT_NE(message.find("without --format"), std::string::npos) << message;
}

TEST_F(RegistryPullTest, RefusesAnImageWithoutItsSignature) {
  std::string digest = read_file(digest_file("unsigned"));
  std::string message = pull_error(ref(":unsigned"), options());
  EXPECT_NE(message.find("the signature of image " + ref(":unsigned").str() + " (tag " + oci::signature_tag(digest)),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("MANIFEST_UNKNOWN"), std::string::npos) << message;
}

TEST_F(RegistryPullTest, RefusesTheSignatureOfAnotherImage) {
  std::string message = pull_error(ref(":stolen"), options());
  EXPECT_NE(message.find("the signature covers image " + single_digest_ + ", not this image " +
                         read_file(digest_file("stolen"))),
            std::string::npos)
      << message;
}

TEST_F(RegistryPullTest, RefusesAnImageSignedByAnUntrustedKey) {
  PullOptions o = options();
  signing::TrustStore stranger = signing::TrustStore::of(
      signing::PublicKey::from_pem(signing::PrivateKey::generate().public_pem()));
  o.trust = &stranger;
  std::string message = pull_error(ref(":v1"), o);
  EXPECT_NE(message.find("does not verify with any trusted key"), std::string::npos) << message;
}

TEST_F(RegistryPullTest, RefusesATamperedBlobNamingItsDigest) {
  oci::ImageManifest manifest = oci::parse_manifest(raw_manifest("tampered"));
  ASSERT_EQ(manifest.layers.size(), 1u);
  const std::string digest = manifest.layers.front().digest;
  fs::path data = registry_->blob_data(digest);
  ASSERT_TRUE(fs::exists(data)) << data;
  std::string bytes = read_file(data);
  bytes[bytes.size() / 2] ^= 0x20;
  write_file(data, bytes);

  std::string message = pull_error(ref(":tampered"), options());
  EXPECT_NE(message.find("layer " + digest + " does not match its digest"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(output_));
}

TEST_F(RegistryPullTest, RefusesAWrongDigest) {
  std::string wrong = single_digest_;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  std::string message = pull_error(ref("@" + wrong), options());
  EXPECT_NE(message.find("MANIFEST_UNKNOWN"), std::string::npos) << message;
  EXPECT_NE(message.find(wrong), std::string::npos) << message;
}

TEST_F(RegistryPullTest, NamesAnUnknownTagOrRepository) {
  std::string message = pull_error(ref(":v9"), options());
  EXPECT_NE(message.find("refused image " + registry_->address() + "/bronze/installer:v9: HTTP 404, MANIFEST_UNKNOWN"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("no such tag"), std::string::npos) << message;

  // docker-registry answers MANIFEST_UNKNOWN, not NAME_UNKNOWN, for a
  // repository it does not have; the message names both anyway.
  message = pull_error(parse_reference(registry_->address() + "/bronze/nothing:v1"), options());
  EXPECT_NE(message.find("bronze/nothing:v1: HTTP 404"), std::string::npos) << message;
  EXPECT_NE(message.find("check name and tag"), std::string::npos) << message;
}

TEST_F(RegistryPullTest, NamesARegistryThatIsDown) {
  std::string address = "127.0.0.1:" + std::to_string(bronze::test::unused_port());
  std::string message = pull_error(parse_reference(address + "/bronze/installer:v1"), options());
  EXPECT_EQ(message, "cannot reach registry " + address + ": Connection refused; is it running, is the address right?");
}

TEST_F(RegistryPullTest, HttpsToAPlainHttpRegistryIsExplained) {
  PullOptions o = options();
  o.plain_http = false;
  std::string message = pull_error(ref(":v1"), o);
  EXPECT_NE(message.find("TLS with registry " + registry_->address() + " failed"), std::string::npos) << message;
  EXPECT_NE(message.find("plain HTTP"), std::string::npos) << message;
}

TEST_F(RegistryPullTest, PullsFromARegistryBehindALoginAndAPrivateCA) {
  Reference image = parse_reference(secure_->address() + "/bronze/installer:v1");
  PullOptions o = options();
  o.plain_http = false;
  o.endpoints = {secure_endpoint(RegistryLogin{kUser, kPassword})};
  PullResult result = pull_to_archive(image, o, output_);
  EXPECT_EQ(result.manifest_digest, single_digest_);
  EXPECT_EQ(result.endpoint, "https://" + secure_->address());
  EXPECT_EQ(oci::ImageArchive(output_, "amd64", oci::test::trust()).read_file(kRootfsPath, 1 << 20),
            std::string(200000, 's'));
  fs::remove(output_);

  // Each thing missing is named, with where to give it.
  o.endpoints = {secure_endpoint(RegistryLogin{kUser, kPassword}, false)};
  std::string message = pull_error(image, o);
  EXPECT_NE(message.find("TLS with registry " + secure_->address() + " failed"), std::string::npos) << message;
  EXPECT_NE(message.find("certificate"), std::string::npos) << message;

  o.endpoints = {secure_endpoint(std::nullopt)};
  message = pull_error(image, o);
  EXPECT_EQ(message, "registry " + secure_->address() + " asks for a login (HTTP Basic); give it in "
                     "machine.registries.config.\"" + secure_->address() + "\".auth");

  o.endpoints = {secure_endpoint(RegistryLogin{kUser, "wrong horse"})};
  message = pull_error(image, o);
  EXPECT_NE(message.find("HTTP 401"), std::string::npos) << message;
  EXPECT_NE(message.find("the login of user puller (machine.registries.config.\"" + secure_->address() +
                         "\".auth) was refused"), std::string::npos) << message;
}

TEST_F(RegistryPullTest, PullsThroughAMirrorAndFallsBackToTheRegistry) {
  // The reference names the public registry; the node reaches it through
  // the private mirror, or, with the mirror down, the registry itself.
  Reference image = ref(":v1");
  PullOptions o = options();
  Endpoint down{"https://127.0.0.1:" + std::to_string(bronze::test::unused_port()), true, std::nullopt, ""};
  Endpoint mirror = secure_endpoint(RegistryLogin{kUser, kPassword});
  mirror.mirror = true;
  Endpoint upstream = upstream_endpoint(image, true);

  o.endpoints = {mirror, upstream};
  EXPECT_EQ(pull_to_archive(image, o, output_).endpoint, mirror.url);
  o.endpoints = {down, upstream};
  PullResult result = pull_to_archive(image, o, output_);
  EXPECT_EQ(result.endpoint, upstream.url);
  EXPECT_EQ(result.manifest_digest, single_digest_);

  // skipFallback, and the mirror down: nothing is fetched, and the error
  // says why.
  fs::remove(output_);
  o.endpoints = {down};
  std::string message = pull_error(image, o);
  EXPECT_NE(message.find("cannot reach mirror " + down.host()), std::string::npos) << message;
}

}  // namespace
}  // namespace bronze::registry
