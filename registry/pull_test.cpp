// pull_to_archive against an in-memory registry (LoopbackHttpServer) that
// demands a token, and that can be told to lie about blobs and manifests.

#include "registry/pull.h"

#include <gtest/gtest.h>

#include <chrono>

#include "base/base64.h"
#include "base/error.h"
#include "base/files.h"
#include "base/sha256.h"
#include "installer_image/image_archive.h"
#include "installer_image/media_types.h"
#include "installer_image/signature_artifact.h"
#include "registry/docker_documents.h"
#include "tests/support/loopback_http_server.h"
#include "tests/support/oci_test_archives.h"

namespace bronze::registry {
namespace {

namespace fs = std::filesystem;
using bronze::test::HttpReply;
using bronze::test::HttpRequest;

constexpr const char* kToken = "test-token-123";
constexpr const char* kRepository = "bronze/installer";

HttpReply registry_error(int status, const std::string& code, const std::string& message) {
  return {status, {{"Content-Type", "application/json"}},
          R"({"errors":[{"code":")" + code + R"(","message":")" + message + R"("}]})", std::nullopt};
}

// A registry holding manifests (by tag and digest) and blobs, reached with
// a token from its own /token endpoint.
struct FakeRegistry {
  struct Document {
    std::string media_type;
    std::string body;
  };
  std::map<std::string, Document> manifests;  // by tag and by digest
  std::map<std::string, std::string> blobs;   // by digest
  std::map<std::string, uint64_t> announced_sizes;  // lie in Content-Length for these digests
  std::string challenge_scheme = "Bearer";
  // A login the token service (Bearer) or every request (Basic) requires.
  std::optional<RegistryLogin> login;
  std::string realm;  // where the Bearer challenge sends clients; empty: /token here
  bool redirect_blobs = false;  // to /storage/<digest>, as registries backed by S3 do
  // Streaming: the n-th transfer of a blob stops after the absolute byte
  // break_at[n] (the connection closes short of what it announced); a 503
  // for the first `unavailable` blob requests; Range requests ignored.
  mutable std::vector<uint64_t> break_at;
  // The n-th transfer of a blob stalls after the absolute byte stall_at[n]:
  // nothing more for `stall_for`, then the connection closes.
  mutable std::vector<uint64_t> stall_at;
  std::chrono::milliseconds stall_for{0};
  mutable int unavailable = 0;
  bool ignore_range = false;

  void add_manifest(const std::string& media_type, const std::string& body, const std::string& tag = "") {
    manifests["sha256:" + sha256_hex(body)] = {media_type, body};
    if (!tag.empty()) manifests[tag] = {media_type, body};
  }
  // The image, and its signature under tag sha256-<hex>.sig beside it.
  void add_image(const oci::test::CraftedImage& image, const std::string& tag = "") {
    add_unsigned_image(image, tag);
    blobs["sha256:" + sha256_hex(image.signature.config)] = image.signature.config;
    blobs["sha256:" + sha256_hex(image.signature.payload)] = image.signature.payload;
    add_manifest(oci::kManifestMediaType, image.signature.manifest, oci::test::signature_tag_of(image));
  }
  void add_unsigned_image(const oci::test::CraftedImage& image, const std::string& tag = "") {
    blobs["sha256:" + sha256_hex(image.layer)] = image.layer;
    blobs["sha256:" + sha256_hex(image.config)] = image.config;
    add_manifest(oci::kManifestMediaType, image.manifest, tag);
  }

  HttpReply answer(const HttpRequest& request) const {
    std::string self = "http://" + request.header("host");
    const std::string basic_login = login ? "Basic " + base64_encode(login->username + ":" + login->password) : "";
    if (request.target.rfind("/token?", 0) == 0) {
      if (login && request.header("authorization") != basic_login) return {401, {}, "bad login", std::nullopt};
      if (request.target != "/token?service=fake-registry&scope=repository%3Abronze%2Finstaller%3Apull") {
        return {400, {}, "unexpected token request " + request.target, std::nullopt};
      }
      return {200, {{"Content-Type", "application/json"}}, std::string(R"({"access_token":")") + kToken + "\"}",
              std::nullopt};
    }
    if (request.target.rfind("/storage/", 0) == 0) {
      auto it = blobs.find(request.target.substr(9));
      if (it == blobs.end()) return {404, {}, "", std::nullopt};
      return {200, {}, it->second, std::nullopt};
    }
    if (challenge_scheme == "Basic") {
      if (request.header("authorization") != basic_login || !login) {
        HttpReply reply = registry_error(401, "UNAUTHORIZED", "authentication required");
        reply.headers.push_back({"WWW-Authenticate", "Basic realm=\"fake-registry\""});
        return reply;
      }
    } else if (request.header("authorization") != std::string("Bearer ") + kToken) {
      HttpReply reply = registry_error(401, "UNAUTHORIZED", "authentication required");
      reply.headers.push_back({"WWW-Authenticate", challenge_scheme + " realm=\"" + (realm.empty() ? self + "/token" : realm) +
                                                       "\",service=\"fake-registry\",scope=\"repository:" +
                                                       kRepository + ":pull\""});
      return reply;
    }
    const std::string prefix = std::string("/v2/") + kRepository + "/";
    if (request.target.rfind(prefix, 0) != 0) return registry_error(404, "NAME_UNKNOWN", "repository name not known");
    std::string rest = request.target.substr(prefix.size());
    if (rest.rfind("manifests/", 0) == 0) {
      auto it = manifests.find(rest.substr(10));
      if (it == manifests.end()) return registry_error(404, "MANIFEST_UNKNOWN", "manifest unknown");
      return {200, {{"Content-Type", it->second.media_type}}, it->second.body, std::nullopt};
    }
    if (rest.rfind("blobs/", 0) == 0) {
      std::string digest = rest.substr(6);
      if (redirect_blobs) return {307, {{"Location", self + "/storage/" + digest}}, "", std::nullopt};
      auto it = blobs.find(digest);
      if (it == blobs.end()) return registry_error(404, "BLOB_UNKNOWN", "blob unknown to registry");
      if (unavailable > 0) {
        --unavailable;
        return registry_error(503, "UNAVAILABLE", "try again");
      }
      HttpReply reply{200, {{"Content-Type", "application/octet-stream"}}, it->second, std::nullopt};
      uint64_t from = 0;
      std::string range = request.header("range");
      if (!range.empty() && !ignore_range) {
        // "bytes=FROM-" or "bytes=FROM-LAST" (LAST included).
        size_t equals = range.find('='), dash = range.find('-');
        from = std::stoull(range.substr(equals + 1, dash - equals - 1));
        uint64_t last = dash + 1 < range.size() ? std::stoull(range.substr(dash + 1)) : it->second.size() - 1;
        reply.status = 206;
        reply.headers.push_back({"Content-Range", "bytes " + std::to_string(from) + "-" + std::to_string(last) + "/" +
                                                      std::to_string(it->second.size())});
        reply.body = it->second.substr(from, last + 1 - from);
      }
      if (!break_at.empty()) {
        uint64_t stop = break_at.front();
        break_at.erase(break_at.begin());
        reply.content_length = reply.body.size();
        reply.body = reply.body.substr(0, stop - from);
      } else if (!stall_at.empty()) {
        uint64_t stop = stall_at.front();
        stall_at.erase(stall_at.begin());
        reply.content_length = reply.body.size();
        reply.body = reply.body.substr(0, stop - from);
        reply.hold_open = stall_for;
      }
      if (auto lie = announced_sizes.find(digest); lie != announced_sizes.end()) reply.content_length = lie->second;
      return reply;
    }
    return {404, {}, "", std::nullopt};
  }
};

std::string layer_tar(const std::string& content) {
  return oci::test::make_tar({oci::test::file("usr/share/bronze/rootfs.sqfs", content)});
}

class PullTest : public ::testing::Test {
 protected:
  Reference ref(const std::string& suffix) { return parse_reference(server_.address() + "/" + kRepository + suffix); }
  PullOptions options(const std::string& arch = "amd64") {
    PullOptions o;
    o.arch = arch;
    o.plain_http = true;
    o.timeout_seconds = 10;
    o.trust = &trust_;
    return o;
  }
  Endpoint endpoint(std::optional<RegistryLogin> login) {
    return Endpoint{"http://" + server_.address(), false, std::move(login), ""};
  }
  std::string pull_error(const Reference& r, const PullOptions& o) {
    try {
      pull_to_archive(r, o, output_);
    } catch (const Error& e) {
      EXPECT_TRUE(oci::test::list_tree(dir_.path()).empty()) << "a failed pull left files behind";
      return e.what();
    }
    ADD_FAILURE() << "pull of " << r.str() << " succeeded";
    return "";
  }

  signing::TrustStore trust_ = oci::test::trust();
  FakeRegistry registry_;
  bronze::test::LoopbackHttpServer server_{[this](const HttpRequest& r) { return registry_.answer(r); }};
  TempDir dir_{"bronze-registry-test"};
  fs::path output_ = dir_.path() / "pulled.tar";
  oci::test::CraftedImage amd64_ = oci::test::craft_image(layer_tar("amd64 rootfs"), "amd64");
  oci::test::CraftedImage arm64_ = oci::test::craft_image(layer_tar("arm64 rootfs"), "arm64");
};

TEST_F(PullTest, FetchesATokenThenPullsByTag) {
  registry_.add_image(amd64_, "v1");
  PullResult result = pull_to_archive(ref(":v1"), options(), output_);
  EXPECT_EQ(result.manifest_digest, amd64_.manifest_descriptor.digest);
  EXPECT_EQ(result.claims.arch, "amd64");
  EXPECT_EQ(result.bytes, amd64_.manifest.size() + amd64_.config.size() + amd64_.layer.size());

  oci::ImageArchive image(output_, "amd64", oci::test::trust());
  EXPECT_EQ(image.info().manifest_digest, amd64_.manifest_descriptor.digest);
  EXPECT_EQ(image.info().ref_name, "v1");
  EXPECT_EQ(image.read_file("usr/share/bronze/rootfs.sqfs", 1024), "amd64 rootfs");

  auto requests = server_.requests();
  ASSERT_GE(requests.size(), 3u);
  EXPECT_EQ(requests[0].header("authorization"), "");
  EXPECT_EQ(requests[1].target.rfind("/token?", 0), 0u);
  EXPECT_EQ(requests[2].header("authorization"), std::string("Bearer ") + kToken);
  EXPECT_NE(requests[2].header("accept").find(kDockerManifestMediaType), std::string::npos);
  // The token is kept: one token request for the whole pull.
  int token_requests = 0;
  for (const auto& r : requests) token_requests += r.target.rfind("/token?", 0) == 0;
  EXPECT_EQ(token_requests, 1);
}

TEST_F(PullTest, FollowsBlobRedirects) {
  registry_.add_image(amd64_, "v1");
  registry_.redirect_blobs = true;
  pull_to_archive(ref(":v1"), options(), output_);
  EXPECT_EQ(oci::ImageArchive(output_, "amd64", oci::test::trust()).read_file("usr/share/bronze/rootfs.sqfs", 1024), "amd64 rootfs");
  int storage_requests = 0;
  for (const auto& r : server_.requests()) storage_requests += r.target.rfind("/storage/", 0) == 0;
  EXPECT_EQ(storage_requests, 4);  // the signature's config and payload, the image's config and layer
}

TEST_F(PullTest, PullsByDigestAndReportsProgress) {
  registry_.add_image(amd64_);
  PullOptions o = options();
  uint64_t last_done = 0;
  uint64_t last_total = 0;
  o.progress = [&](uint64_t done, uint64_t total) {
    EXPECT_GE(done, last_done);
    last_done = done;
    last_total = total;
  };
  PullResult result = pull_to_archive(ref("@" + amd64_.manifest_descriptor.digest), o, output_);
  EXPECT_EQ(result.manifest_digest, amd64_.manifest_descriptor.digest);
  EXPECT_EQ(last_done, result.bytes);
  EXPECT_EQ(last_total, result.bytes);
  oci::ImageArchive image(output_, "amd64", oci::test::trust());
  EXPECT_EQ(image.info().ref_name, "");
}

TEST_F(PullTest, PicksTheArchitectureFromAnIndex) {
  registry_.add_image(amd64_);
  registry_.add_image(arm64_);
  registry_.add_manifest(oci::kIndexMediaType,
                         oci::to_json(oci::ImageIndex{{amd64_.manifest_descriptor, arm64_.manifest_descriptor}, {}}),
                         "multi");
  EXPECT_EQ(pull_to_archive(ref(":multi"), options("arm64"), output_).manifest_digest,
            arm64_.manifest_descriptor.digest);
  EXPECT_EQ(oci::ImageArchive(output_, "arm64", oci::test::trust()).read_file("usr/share/bronze/rootfs.sqfs", 1024), "arm64 rootfs");
  EXPECT_EQ(pull_to_archive(ref(":multi"), options("amd64"), output_).manifest_digest,
            amd64_.manifest_descriptor.digest);
  EXPECT_EQ(oci::ImageArchive(output_, "amd64", oci::test::trust()).info().manifest_digest, amd64_.manifest_descriptor.digest);

  fs::remove(output_);
  std::string message = pull_error(ref(":multi"), options("riscv64"));
  EXPECT_NE(message.find("no manifest for architecture riscv64 (it has: amd64, arm64)"), std::string::npos) << message;
}

TEST_F(PullTest, RefusesASingleImageOfAnotherArchitecture) {
  registry_.add_image(arm64_, "v1");
  std::string message = pull_error(ref(":v1"), options("amd64"));
  EXPECT_NE(message.find("is signed as an arm64 image; this machine is amd64"), std::string::npos) << message;
  // Signed as amd64 by mistake, its config still says arm64.
  auto mislabeled = arm64_;
  mislabeled.sign("amd64");
  registry_.add_image(mislabeled, "v2");
  message = pull_error(ref(":v2"), options("amd64"));
  EXPECT_NE(message.find("is for linux/arm64, not linux/amd64"), std::string::npos) << message;
}

TEST_F(PullTest, RefusesAnUnsignedImageBeforeFetchingAnyOfItsBlobs) {
  registry_.add_unsigned_image(amd64_, "v1");
  std::string message = pull_error(ref(":v1"), options());
  EXPECT_NE(message.find("the signature of image " + ref(":v1").str() + " (tag " + oci::test::signature_tag_of(amd64_)),
            std::string::npos)
      << message;
  for (const auto& r : server_.requests()) EXPECT_EQ(r.target.find("/blobs/"), std::string::npos) << r.target;
}

TEST_F(PullTest, RefusesAnImageSignedByAnotherKeyOrWithAnotherImagesSignature) {
  auto stranger = signing::PrivateKey::generate();
  auto foreign = amd64_;
  foreign.sign("", &stranger);
  registry_.add_image(foreign, "foreign");
  std::string message = pull_error(ref(":foreign"), options());
  EXPECT_NE(message.find("does not verify with any trusted key"), std::string::npos) << message;

  // arm64's signature, copied under amd64's signature tag.
  registry_.add_unsigned_image(amd64_, "stolen");
  registry_.blobs["sha256:" + sha256_hex(arm64_.signature.config)] = arm64_.signature.config;
  registry_.blobs["sha256:" + sha256_hex(arm64_.signature.payload)] = arm64_.signature.payload;
  registry_.manifests[oci::test::signature_tag_of(amd64_)] = {oci::kManifestMediaType, arm64_.signature.manifest};
  message = pull_error(ref(":stolen"), options());
  EXPECT_NE(message.find("the signature covers image " + arm64_.manifest_descriptor.digest), std::string::npos)
      << message;
  // Nothing of the image beyond its manifest was fetched.
  for (const auto& r : server_.requests()) {
    EXPECT_EQ(r.target.find(sha256_hex(amd64_.layer)), std::string::npos) << r.target;
  }
}

TEST_F(PullTest, RefusesATamperedBlobNamingItsDigest) {
  registry_.add_image(amd64_, "v1");
  std::string digest = "sha256:" + sha256_hex(amd64_.layer);
  std::string& bytes = registry_.blobs[digest];
  bytes[bytes.size() / 2] ^= 1;
  std::string message = pull_error(ref(":v1"), options());
  EXPECT_NE(message.find("layer " + digest + " does not match its digest"), std::string::npos) << message;
  EXPECT_NE(message.find("tampered"), std::string::npos) << message;
}

TEST_F(PullTest, RefusesAWrongContentLength) {
  registry_.add_image(amd64_, "v1");
  std::string digest = "sha256:" + sha256_hex(amd64_.layer);
  registry_.announced_sizes[digest] = amd64_.layer.size() + 100;
  std::string message = pull_error(ref(":v1"), options());
  EXPECT_NE(message.find("announced " + std::to_string(amd64_.layer.size() + 100) + " bytes for layer " + digest),
            std::string::npos)
      << message;
}

TEST_F(PullTest, RefusesABlobLongerThanItsDescriptor) {
  registry_.add_image(amd64_, "v1");
  std::string digest = "sha256:" + sha256_hex(amd64_.layer);
  registry_.blobs[digest] += "trailing";
  std::string message = pull_error(ref(":v1"), options());
  EXPECT_NE(message.find(digest), std::string::npos) << message;
}

TEST_F(PullTest, RefusesAManifestThatDoesNotHashToTheDigestAskedFor) {
  registry_.add_image(amd64_);
  std::string asked = "sha256:" + std::string(64, 'b');
  registry_.manifests[asked] = {oci::kManifestMediaType, amd64_.manifest};
  std::string message = pull_error(ref("@" + asked), options());
  EXPECT_NE(message.find("not " + asked), std::string::npos) << message;
}

TEST_F(PullTest, UnknownTagAndRepositoryAreNamed) {
  registry_.add_image(amd64_, "v1");
  std::string message = pull_error(ref(":v2"), options());
  EXPECT_NE(message.find("refused image " + server_.address() + "/bronze/installer:v2: HTTP 404, MANIFEST_UNKNOWN"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("no such tag"), std::string::npos) << message;

  message = pull_error(parse_reference(server_.address() + "/bronze/other:v1"), options());
  EXPECT_NE(message.find("NAME_UNKNOWN"), std::string::npos) << message;
}

TEST_F(PullTest, RefusesAnImageLargerThanTheLimit) {
  registry_.add_image(amd64_, "v1");
  PullOptions o = options();
  o.max_bytes = 1000;
  std::string message = pull_error(ref(":v1"), o);
  EXPECT_NE(message.find("larger than the limit of 1000 bytes"), std::string::npos) << message;
  // Only the signature's own small blobs came before the refusal.
  for (const auto& r : server_.requests()) {
    EXPECT_EQ(r.target.find(sha256_hex(amd64_.layer)), std::string::npos) << r.target;
    EXPECT_EQ(r.target.find(sha256_hex(amd64_.config)), std::string::npos) << r.target;
  }
}

TEST_F(PullTest, RefusesDockerFormatImagesWhoseDigestNoSignatureNames) {
  oci::test::CraftedImage image = amd64_;
  std::string layer_digest = "sha256:" + sha256_hex(image.layer);
  std::string config_digest = "sha256:" + sha256_hex(image.config);
  std::string docker_manifest =
      std::string(R"({"schemaVersion":2,"mediaType":")") + kDockerManifestMediaType + R"(","config":{"mediaType":")" +
      kDockerConfigMediaType + R"(","digest":")" + config_digest + R"(","size":)" +
      std::to_string(image.config.size()) + R"(},"layers":[{"mediaType":")" + kDockerLayerMediaType +
      R"(","digest":")" + layer_digest + R"(","size":)" + std::to_string(image.layer.size()) + "}]}";
  registry_.add_image(image);
  registry_.add_manifest(kDockerManifestMediaType, docker_manifest);
  std::string list = std::string(R"({"schemaVersion":2,"mediaType":")") + kDockerManifestListMediaType +
                     R"(","manifests":[{"mediaType":")" + kDockerManifestMediaType + R"(","digest":"sha256:)" +
                     sha256_hex(docker_manifest) + R"(","size":)" + std::to_string(docker_manifest.size()) +
                     R"(,"platform":{"architecture":"amd64","os":"linux"}}]})";
  registry_.add_manifest(kDockerManifestListMediaType, list, "docker");

  std::string message = pull_error(ref(":docker"), options());
  EXPECT_NE(message.find("is stored as a Docker manifest"), std::string::npos) << message;

  // A Docker manifest list naming the signed OCI manifest is fine: the list
  // is only the way to the manifest, whose signature is checked.
  std::string oci_list = std::string(R"({"schemaVersion":2,"mediaType":")") + kDockerManifestListMediaType +
                         R"(","manifests":[{"mediaType":")" + oci::kManifestMediaType + R"(","digest":")" +
                         image.manifest_descriptor.digest + R"(","size":)" + std::to_string(image.manifest.size()) +
                         R"(,"platform":{"architecture":"amd64","os":"linux"}}]})";
  registry_.add_manifest(kDockerManifestListMediaType, oci_list, "list");
  PullResult result = pull_to_archive(ref(":list"), options(), output_);
  EXPECT_EQ(result.manifest_digest, image.manifest_descriptor.digest);
  oci::ImageArchive opened(output_, "amd64", oci::test::trust());
  EXPECT_EQ(opened.read_file("usr/share/bronze/rootfs.sqfs", 1024), "amd64 rootfs");
}

TEST_F(PullTest, SendsTheLoginToTheTokenServiceAndNamesItsFieldWhenRefused) {
  registry_.add_image(amd64_, "v1");
  registry_.login = RegistryLogin{"puller", "s3cret"};
  std::string message = pull_error(ref(":v1"), options());
  EXPECT_NE(message.find("refused a token for repository:bronze/installer:pull: HTTP 401; anonymous pull may not be "
                         "allowed there; give a login in machine.registries.config.\"" + server_.address() + "\".auth"),
            std::string::npos) << message;

  PullOptions wrong = options();
  wrong.endpoints = {endpoint(RegistryLogin{"puller", "guess"})};
  message = pull_error(ref(":v1"), wrong);
  EXPECT_NE(message.find("the login of user puller (machine.registries.config.\"" + server_.address() +
                         "\".auth) was refused"), std::string::npos) << message;

  PullOptions right = options();
  right.endpoints = {endpoint(RegistryLogin{"puller", "s3cret"})};
  EXPECT_EQ(pull_to_archive(ref(":v1"), right, output_).manifest_digest, amd64_.manifest_descriptor.digest);
  auto requests = server_.requests();
  int token_requests_with_login = 0;
  for (const auto& r : requests) {
    if (r.target.rfind("/token?", 0) != 0) {
      // The registry itself never sees the password, only the token.
      EXPECT_EQ(r.header("authorization").rfind("Basic ", 0), std::string::npos) << r.target;
      continue;
    }
    token_requests_with_login += r.header("authorization").rfind("Basic ", 0) == 0;
  }
  EXPECT_EQ(token_requests_with_login, 2) << "one per pull that had a login to send";
}

TEST_F(PullTest, NeverSendsTheLoginInTheClearToAnotherHostsTokenService) {
  registry_.add_image(amd64_, "v1");
  registry_.login = RegistryLogin{"puller", "s3cret"};
  bronze::test::LoopbackHttpServer elsewhere{[](const HttpRequest&) { return HttpReply{200, {}, "{}", std::nullopt}; }};
  registry_.realm = "http://localhost:" + elsewhere.address().substr(elsewhere.address().find(':') + 1) + "/token";
  PullOptions o = options();
  o.endpoints = {endpoint(RegistryLogin{"puller", "s3cret"})};
  std::string message = pull_error(ref(":v1"), o);
  EXPECT_NE(message.find("over plain HTTP on another host; refused"), std::string::npos) << message;
  EXPECT_TRUE(elsewhere.requests().empty()) << "the password went to " << registry_.realm;
}

TEST_F(PullTest, AnswersABasicChallengeWithTheLoginAndOnlyThen) {
  registry_.add_image(amd64_, "v1");
  registry_.challenge_scheme = "Basic";
  registry_.login = RegistryLogin{"puller", "s3cret"};
  std::string message = pull_error(ref(":v1"), options());
  EXPECT_NE(message.find("asks for a login (HTTP Basic); give it in machine.registries.config.\"" +
                         server_.address() + "\".auth"), std::string::npos) << message;

  PullOptions wrong = options();
  wrong.endpoints = {endpoint(RegistryLogin{"puller", "guess"})};
  message = pull_error(ref(":v1"), wrong);
  EXPECT_NE(message.find("HTTP 401, UNAUTHORIZED (authentication required); the login of user puller"),
            std::string::npos) << message;

  PullOptions right = options();
  right.endpoints = {endpoint(RegistryLogin{"puller", "s3cret"})};
  EXPECT_EQ(pull_to_archive(ref(":v1"), right, output_).manifest_digest, amd64_.manifest_descriptor.digest);
}

TEST_F(PullTest, TriesEachMirrorInOrderAndVerifiesWhatEachServes) {
  registry_.add_image(amd64_, "v1");
  // A mirror that is down, and one that serves another image under the tag,
  // signed by a key this node does not trust: both are passed over.
  FakeRegistry liar;
  auto theirs = oci::test::craft_image(layer_tar("not ours"), "amd64");
  auto stranger = signing::PrivateKey::generate();
  theirs.sign("", &stranger);
  liar.add_image(theirs, "v1");
  bronze::test::LoopbackHttpServer liar_server{[&liar](const HttpRequest& r) { return liar.answer(r); }};
  Endpoint down{"http://127.0.0.1:" + std::to_string(bronze::test::unused_port()), true, std::nullopt, ""};
  Endpoint lying{"http://" + liar_server.address(), true, std::nullopt, ""};
  Endpoint upstream{"http://" + server_.address(), false, std::nullopt, ""};

  PullOptions o = options();
  o.endpoints = {down, lying, upstream};
  std::vector<std::string> tried;
  o.on_endpoint = [&](const Endpoint& e) { tried.push_back(e.url); };
  PullResult result = pull_to_archive(ref(":v1"), o, output_);
  EXPECT_EQ(result.manifest_digest, amd64_.manifest_descriptor.digest);
  EXPECT_EQ(result.endpoint, upstream.url);
  EXPECT_EQ(tried, (std::vector<std::string>{down.url, lying.url, upstream.url}));
  EXPECT_EQ(oci::ImageArchive(output_, "amd64", oci::test::trust()).read_file("usr/share/bronze/rootfs.sqfs", 1024),
            "amd64 rootfs");

  // Without the registry to fall back to, the error names what each said.
  fs::remove(output_);
  o.endpoints = {down, lying};
  std::string message = pull_error(ref(":v1"), o);
  EXPECT_NE(message.find("no endpoint of " + server_.address() + " gave a verified image"), std::string::npos) << message;
  EXPECT_NE(message.find("mirror " + down.url + ": cannot reach mirror"), std::string::npos) << message;
  EXPECT_NE(message.find("mirror " + lying.url + ": "), std::string::npos) << message;
  EXPECT_NE(message.find("trusted key"), std::string::npos) << message;
}

// A slot image streamed to where it goes: a transfer that breaks off goes on
// from the byte it reached (Range), a 503 is retried, and the bytes reach the
// sink once each, in order, checked against the digest at the end.
TEST_F(PullTest, StreamsALayerResumingWhereEachBrokenTransferStopped) {
  std::string blob;
  for (int i = 0; blob.size() < 1000000; ++i) blob += std::to_string(i * 7919) + ",";
  oci::Descriptor layer{"application/vnd.dev.bronze.slot.v1.ext4", "sha256:" + sha256_hex(blob), blob.size(), {},
                        std::nullopt};
  registry_.blobs[layer.digest] = blob;
  registry_.break_at = {100000, 250000, 700000};
  registry_.unavailable = 1;
  std::string received;
  std::vector<uint64_t> resumed_at;
  StreamBlobOptions stream;
  stream.on_resume = [&](uint64_t at, const std::string&) { resumed_at.push_back(at); };
  stream_layer(ref(":v1"), endpoint(std::nullopt), options(), layer,
               [&](std::string_view chunk) { received.append(chunk); }, stream);
  EXPECT_EQ(received, blob);
  EXPECT_EQ(resumed_at, (std::vector<uint64_t>{0, 100000, 250000, 700000}));
  std::vector<std::string> ranges;
  for (const auto& r : server_.requests()) {
    if (r.target.find("/blobs/") != std::string::npos && r.header("authorization") != "") ranges.push_back(r.header("range"));
  }
  EXPECT_EQ(ranges, (std::vector<std::string>{"", "", "bytes=100000-", "bytes=250000-", "bytes=700000-"}));

  // A registry that answers a Range request with the whole blob again.
  registry_.ignore_range = true;
  registry_.break_at = {100000};
  received.clear();
  try {
    stream_layer(ref(":v1"), endpoint(std::nullopt), options(), layer,
                 [&](std::string_view chunk) { received.append(chunk); }, stream);
    ADD_FAILURE() << "a registry that ignored Range was believed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("did not resume layer " + layer.digest + " at byte 100000"),
              std::string::npos) << e.what();
  }

  // Bytes that are not the digest's, and a registry that keeps failing: refused, naming the digest.
  registry_.ignore_range = false;
  registry_.blobs[layer.digest] = std::string(blob.size(), 'x');
  try {
    stream_layer(ref(":v1"), endpoint(std::nullopt), options(), layer, [](std::string_view) {}, stream);
    ADD_FAILURE() << "other bytes were taken";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("layer " + layer.digest + " does not match its digest"), std::string::npos)
        << e.what();
  }
  registry_.unavailable = 10;
  stream.attempts = 2;
  try {
    stream_layer(ref(":v1"), endpoint(std::nullopt), options(), layer, [](std::string_view) {}, stream);
    ADD_FAILURE() << "a registry that kept failing was taken";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("HTTP 503"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("(2 attempts, 0 of 1000"), std::string::npos) << e.what();
  }
}

// A delta upgrade's missing chunks: byte ranges of the slot image over one
// session (one token fetch), each resumed from the byte it reached when its
// transfer breaks off, delivering exactly the bytes asked for.
TEST_F(PullTest, ReadsByteRangesOfABlobResumingBrokenOnes) {
  std::string blob;
  for (int i = 0; blob.size() < 1000000; ++i) blob += std::to_string(i * 7919) + ",";
  oci::Descriptor layer{"application/vnd.dev.bronze.slot.v1.ext4", "sha256:" + sha256_hex(blob), blob.size(), {},
                        std::nullopt};
  registry_.blobs[layer.digest] = blob;
  BlobRanges ranges(ref(":v1"), endpoint(std::nullopt), options(), layer);
  std::vector<uint64_t> resumed_at;
  StreamBlobOptions stream;
  stream.on_resume = [&](uint64_t at, const std::string&) { resumed_at.push_back(at); };
  auto read = [&](uint64_t offset, uint64_t length) {
    std::string received;
    ranges.read(offset, length, [&](std::string_view chunk) { received.append(chunk); }, stream);
    return received;
  };
  EXPECT_EQ(read(0, 1000), blob.substr(0, 1000));
  registry_.break_at = {350000};
  EXPECT_EQ(read(300000, 100000), blob.substr(300000, 100000));
  EXPECT_EQ(read(blob.size() - 10, 10), blob.substr(blob.size() - 10));
  EXPECT_EQ(resumed_at, (std::vector<uint64_t>{350000}));
  std::vector<std::string> headers;
  int token_requests = 0;
  for (const auto& r : server_.requests()) {
    if (r.target.rfind("/token", 0) == 0) ++token_requests;
    if (r.target.find("/blobs/") != std::string::npos && r.header("authorization") != "") {
      headers.push_back(r.header("range"));
    }
  }
  EXPECT_EQ(token_requests, 1);
  EXPECT_EQ(headers, (std::vector<std::string>{"bytes=0-999", "bytes=300000-399999", "bytes=350000-399999",
                                               "bytes=" + std::to_string(blob.size() - 10) + "-" +
                                                   std::to_string(blob.size() - 1)}));

  // A range past the blob's end is never asked for.
  try {
    read(blob.size() - 10, 11);
    ADD_FAILURE() << "a range past the end was asked for";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot be fetched"), std::string::npos) << e.what();
  }
  // A registry that ignores Range (the whole blob from byte 0) is refused.
  registry_.ignore_range = true;
  try {
    read(5000, 100);
    ADD_FAILURE() << "a registry that ignored Range was believed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("did not serve slot image " + layer.digest + " (bytes 5000..5100) at byte 5000"),
              std::string::npos) << e.what();
  }
}

// A registry that stops sending in the middle of a blob without closing
// the connection: the transfer ends once nothing came for the session's
// timeout (1 s here) and goes on from the byte it reached; one that keeps stalling ends the
// upgrade after the bounded attempts, saying so.
TEST_F(PullTest, AStalledTransferTimesOutAndResumesThenGivesUp) {
  std::string blob;
  for (int i = 0; blob.size() < 300000; ++i) blob += std::to_string(i * 7919) + ",";
  oci::Descriptor layer{"application/vnd.dev.bronze.slot.v1.ext4", "sha256:" + sha256_hex(blob), blob.size(), {},
                        std::nullopt};
  registry_.blobs[layer.digest] = blob;
  // libcurl measures the speed over its last few seconds: a stall after a
  // quick start is seen some seconds after the timeout.
  registry_.stall_at = {120000};
  registry_.stall_for = std::chrono::milliseconds(9000);
  PullOptions o = options();
  o.timeout_seconds = 1;
  std::vector<std::string> why;
  StreamBlobOptions stream;
  stream.on_resume = [&](uint64_t at, const std::string& reason) { why.push_back(std::to_string(at) + ": " + reason); };
  std::string received;
  auto start = std::chrono::steady_clock::now();
  stream_layer(ref(":v1"), endpoint(std::nullopt), o, layer, [&](std::string_view chunk) { received.append(chunk); },
               stream);
  EXPECT_EQ(received, blob);
  ASSERT_FALSE(why.empty());
  EXPECT_EQ(why.front().rfind("120000: ", 0), 0u) << why.front();
  EXPECT_NE(why.front().find("did not answer for 1 s"), std::string::npos) << why.front();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));

  // Stalling at every attempt: bounded.
  registry_.stall_at = {1000, 1000, 1000, 1000};
  registry_.stall_for = std::chrono::milliseconds(1500);
  stream.attempts = 2;
  try {
    stream_layer(ref(":v1"), endpoint(std::nullopt), o, layer, [](std::string_view) {}, stream);
    ADD_FAILURE() << "a registry that kept stalling was waited for without end";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("did not answer for 1 s"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("attempts, 1000 of 300"), std::string::npos) << e.what();
  }
}

TEST(PullUnreachable, NamesTheRegistryAndTheCause) {
  TempDir dir("bronze-registry-test");
  std::string address = "127.0.0.1:" + std::to_string(bronze::test::unused_port());
  PullOptions o;
  o.plain_http = true;
  signing::TrustStore trust = oci::test::trust();
  o.trust = &trust;
  try {
    pull_to_archive(parse_reference(address + "/bronze/installer:v1"), o, dir.path() / "out.tar");
    FAIL() << "pull from a closed port succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot reach registry " + address + ": Connection refused; is it running, is the address right?");
  }
  EXPECT_TRUE(oci::test::list_tree(dir.path()).empty());
}

}  // namespace
}  // namespace bronze::registry
