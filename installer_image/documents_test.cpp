#include "installer_image/documents.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "installer_image/media_types.h"

namespace bronze::oci {
namespace {

using nlohmann::json;

const std::string kDigestA = "sha256:" + std::string(64, 'a');
const std::string kDigestB = "sha256:" + std::string(64, 'b');

json good_manifest() {
  return {{"schemaVersion", 2},
          {"mediaType", kManifestMediaType},
          {"config", {{"mediaType", kConfigMediaType}, {"digest", kDigestA}, {"size", 10}}},
          {"layers", {{{"mediaType", kLayerMediaType}, {"digest", kDigestB}, {"size", 2048}}}},
          {"annotations", {{"org.opencontainers.image.version", "v1.2.3"}}}};
}

json good_index() {
  return {{"schemaVersion", 2},
          {"manifests",
           {{{"mediaType", kManifestMediaType},
             {"digest", kDigestA},
             {"size", 300},
             {"platform", {{"architecture", "arm64"}, {"os", "linux"}}},
             {"annotations", {{kRefNameAnnotation, "v1"}}}}}}};
}

// The parser's message for a document, or "" when it is accepted.
template <typename Parse>
std::string refusal(Parse parse, const json& doc) {
  try {
    parse(doc.dump());
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

auto manifest_refusal = [](const json& doc) { return refusal([](const std::string& t) { parse_manifest(t); }, doc); };
auto index_refusal = [](const json& doc) { return refusal([](const std::string& t) { parse_index(t); }, doc); };

TEST(OciDocuments, ParsesAManifest) {
  ImageManifest m = parse_manifest(good_manifest().dump());
  EXPECT_EQ(m.config.digest, kDigestA);
  EXPECT_EQ(m.config.size, 10u);
  ASSERT_EQ(m.layers.size(), 1u);
  EXPECT_EQ(m.layers[0].media_type, kLayerMediaType);
  EXPECT_EQ(m.layers[0].hex(), std::string(64, 'b'));
  EXPECT_EQ(m.annotations.at("org.opencontainers.image.version"), "v1.2.3");
}

TEST(OciDocuments, WrittenDocumentsParseBack) {
  ImageManifest m = parse_manifest(good_manifest().dump());
  ImageManifest again = parse_manifest(to_json(m));
  EXPECT_EQ(to_json(again), to_json(m));
  ImageIndex index = parse_index(good_index().dump());
  EXPECT_EQ(parse_index(to_json(index)).manifests.at(0).platform->architecture, "arm64");
  ImageConfig config{"amd64", "linux", {kDigestB}, {{"a", "b"}}};
  ImageConfig back = parse_config(to_json(config, "1970-01-01T00:00:00Z"));
  EXPECT_EQ(back.architecture, "amd64");
  EXPECT_EQ(back.diff_ids, config.diff_ids);
  EXPECT_EQ(back.labels, config.labels);
}

TEST(OciDocuments, ParsesAnIndexWithPlatformAndAnnotations) {
  ImageIndex index = parse_index(good_index().dump());
  ASSERT_EQ(index.manifests.size(), 1u);
  ASSERT_TRUE(index.manifests[0].platform);
  EXPECT_EQ(index.manifests[0].platform->architecture, "arm64");
  EXPECT_EQ(index.manifests[0].annotations.at(kRefNameAnnotation), "v1");
}

TEST(OciDocuments, RefusesAWrongMediaType) {
  json doc = good_manifest();
  doc["mediaType"] = "application/vnd.docker.distribution.manifest.v2+json";
  EXPECT_NE(manifest_refusal(doc).find("has mediaType 'application/vnd.docker.distribution.manifest.v2+json'"),
            std::string::npos);
  doc = good_manifest();
  doc["config"]["mediaType"] = "application/octet-stream";
  EXPECT_NE(manifest_refusal(doc).find("config has mediaType"), std::string::npos);
  json index = good_index();
  index["mediaType"] = kManifestMediaType;
  EXPECT_NE(index_refusal(index).find("image index has mediaType"), std::string::npos);
}

TEST(OciDocuments, RefusesMissingFields) {
  for (const char* key : {"schemaVersion", "mediaType", "config", "layers"}) {
    json doc = good_manifest();
    doc.erase(key);
    EXPECT_NE(manifest_refusal(doc).find(std::string("has no '") + key + "'"), std::string::npos) << key;
  }
  for (const char* key : {"mediaType", "digest", "size"}) {
    json doc = good_manifest();
    doc["layers"][0].erase(key);
    EXPECT_NE(manifest_refusal(doc).find(std::string("layer 0 has no '") + key + "'"), std::string::npos) << key;
  }
  json index = good_index();
  index.erase("manifests");
  EXPECT_NE(index_refusal(index).find("has no 'manifests'"), std::string::npos);
  index["manifests"] = json::array();
  EXPECT_NE(index_refusal(index).find("lists no manifests"), std::string::npos);
  index = good_index();
  index["manifests"][0]["platform"].erase("architecture");
  EXPECT_NE(index_refusal(index).find("platform has no 'architecture'"), std::string::npos);
}

TEST(OciDocuments, RefusesMalformedDigests) {
  for (const std::string& bad : {"sha256:" + std::string(63, 'a'), "sha256:" + std::string(64, 'A'),
                                "sha512:" + std::string(128, 'a'), std::string(64, 'a'),
                                "sha256:" + std::string(63, 'a') + "g", std::string("sha256:")}) {
    json doc = good_manifest();
    doc["layers"][0]["digest"] = bad;
    std::string message = manifest_refusal(doc);
    EXPECT_NE(message.find("expected sha256:<64 lower-case hex digits>"), std::string::npos) << bad << ": " << message;
  }
}

TEST(OciDocuments, RefusesWrongTypes) {
  json doc = good_manifest();
  doc["schemaVersion"] = 1;
  EXPECT_NE(manifest_refusal(doc).find("schemaVersion must be 2"), std::string::npos);
  doc = good_manifest();
  doc["layers"][0]["size"] = -1;
  EXPECT_NE(manifest_refusal(doc).find("'size' is not a non-negative integer"), std::string::npos);
  doc["layers"][0]["size"] = 1.5;
  EXPECT_NE(manifest_refusal(doc).find("'size' is not a non-negative integer"), std::string::npos);
  doc = good_manifest();
  doc["annotations"]["x"] = 3;
  EXPECT_NE(manifest_refusal(doc).find("annotations 'x' is not a string"), std::string::npos);
  doc = good_manifest();
  doc["layers"] = "none";
  EXPECT_NE(manifest_refusal(doc).find("'layers' is not a list"), std::string::npos);
}

TEST(OciDocuments, RefusesTextThatIsNotAJsonObject) {
  EXPECT_THROW(parse_manifest("{"), Error);
  EXPECT_THROW(parse_index("[]"), Error);
  EXPECT_THROW(parse_config(""), Error);
  try {
    parse_index("not json");
    FAIL() << "accepted text that is not JSON";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("image index is not valid JSON"), std::string::npos) << e.what();
  }
}

TEST(OciDocuments, ConfigNeedsLayersRootfs) {
  json config = {{"architecture", "amd64"}, {"os", "linux"}, {"rootfs", {{"type", "other"}, {"diff_ids", json::array()}}}};
  EXPECT_THROW(parse_config(config.dump()), Error);
  config["rootfs"]["type"] = "layers";
  EXPECT_NO_THROW(parse_config(config.dump()));
  config["rootfs"]["diff_ids"] = {"sha256:xyz"};
  EXPECT_THROW(parse_config(config.dump()), Error);
}

}  // namespace
}  // namespace bronze::oci
