#include "installer_image/manifest_selection.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "installer_image/media_types.h"

namespace bronze::oci {
namespace {

Descriptor manifest_for(const std::string& arch, char digit) {
  Descriptor d{kManifestMediaType, "sha256:" + std::string(64, digit), 100, {}, std::nullopt};
  if (!arch.empty()) d.platform = Platform{arch, "linux"};
  return d;
}

IndexReader no_nested_index = [](const Descriptor& d) -> ImageIndex {
  throw Error("unexpected nested index " + d.digest);
};

TEST(ManifestSelection, OneImageWithoutPlatformIsTaken) {
  ImageIndex index{{manifest_for("", '1')}, {}};
  EXPECT_EQ(select_manifest(index, "amd64", no_nested_index).digest, index.manifests[0].digest);
}

TEST(ManifestSelection, PicksTheArchitecture) {
  ImageIndex index{{manifest_for("amd64", '1'), manifest_for("arm64", '2')}, {}};
  EXPECT_EQ(select_manifest(index, "arm64", no_nested_index).digest, index.manifests[1].digest);
  EXPECT_EQ(select_manifest(index, "amd64", no_nested_index).digest, index.manifests[0].digest);
}

TEST(ManifestSelection, NamesTheArchitecturesPresentWhenNoneMatches) {
  ImageIndex index{{manifest_for("amd64", '1'), manifest_for("arm64", '2')}, {}};
  try {
    select_manifest(index, "riscv64", no_nested_index);
    FAIL() << "picked a manifest for an architecture the index does not have";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no manifest for architecture riscv64 (it has: amd64, arm64)"),
              std::string::npos)
        << e.what();
  }
}

TEST(ManifestSelection, FollowsANestedIndex) {
  Descriptor nested{kIndexMediaType, "sha256:" + std::string(64, '9'), 500, {}, std::nullopt};
  ImageIndex top{{nested}, {}};
  ImageIndex inner{{manifest_for("amd64", '1'), manifest_for("arm64", '2')}, {}};
  auto reader = [&](const Descriptor& d) {
    EXPECT_EQ(d.digest, nested.digest);
    return inner;
  };
  EXPECT_EQ(select_manifest(top, "arm64", reader).digest, inner.manifests[1].digest);
}

TEST(ManifestSelection, RefusesAnIndexWithoutImageManifests) {
  Descriptor other{"application/vnd.docker.distribution.manifest.v2+json", "sha256:" + std::string(64, '1'), 1, {},
                   std::nullopt};
  EXPECT_THROW(select_manifest(ImageIndex{{other}, {}}, "amd64", no_nested_index), Error);
}

TEST(ManifestSelection, RefusesTwoManifestsForOneArchitecture) {
  ImageIndex index{{manifest_for("amd64", '1'), manifest_for("amd64", '2')}, {}};
  EXPECT_THROW(select_manifest(index, "amd64", no_nested_index), Error);
}

}  // namespace
}  // namespace bronze::oci
