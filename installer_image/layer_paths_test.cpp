#include "installer_image/layer_paths.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace bronze::oci {
namespace {

TEST(LayerPaths, NormalizesHarmlessSpellings) {
  EXPECT_EQ(normalize_layer_path("./usr//lib/"), "usr/lib");
  EXPECT_EQ(normalize_layer_path("a/./b"), "a/b");
  EXPECT_EQ(normalize_layer_path("./"), "");
  EXPECT_EQ(normalize_layer_path("."), "");
  EXPECT_EQ(normalize_layer_path("..a/b.."), "..a/b..");
}

TEST(LayerPaths, RefusesEscapingNames) {
  EXPECT_THROW(normalize_layer_path("/etc/passwd"), Error);
  EXPECT_THROW(normalize_layer_path("../x"), Error);
  EXPECT_THROW(normalize_layer_path("a/../../x"), Error);
  EXPECT_THROW(normalize_layer_path("a/.."), Error);
  EXPECT_THROW(normalize_layer_path(std::string("a\0b", 3)), Error);
  try {
    normalize_layer_path("a/../b");
    FAIL() << "accepted a '..' component";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'a/../b' has a '..' component"), std::string::npos) << e.what();
  }
}

TEST(LayerPaths, SymlinksInsideTheFolder) {
  SymlinkMap none;
  EXPECT_EQ(resolve_symlink("a/b/link", "../c", none), LinkResolution::kInside);
  EXPECT_EQ(resolve_symlink("a/link", "..", none), LinkResolution::kInside);
  EXPECT_EQ(resolve_symlink("link", "./x/./y", none), LinkResolution::kInside);
}

TEST(LayerPaths, SymlinksThatEscape) {
  SymlinkMap none;
  EXPECT_EQ(resolve_symlink("link", "../x", none), LinkResolution::kEscapes);
  EXPECT_EQ(resolve_symlink("a/link", "../../x", none), LinkResolution::kEscapes);
  EXPECT_EQ(resolve_symlink("link", "/etc", none), LinkResolution::kEscapes);
  EXPECT_EQ(resolve_symlink("link", "", none), LinkResolution::kEscapes);
}

TEST(LayerPaths, FollowsTheLayersOwnSymlinks) {
  // "a/up/.." is lexically "a", but a/up is the folder's root, so it escapes.
  SymlinkMap links{{"a/up", ".."}, {"z", "a/up/.."}};
  EXPECT_EQ(resolve_symlink("a/up", "..", links), LinkResolution::kInside);
  EXPECT_EQ(resolve_symlink("z", "a/up/..", links), LinkResolution::kEscapes);
  // A link to a link that escapes escapes too.
  SymlinkMap chain{{"bad", "/"}, {"alias", "bad"}};
  EXPECT_EQ(resolve_symlink("alias", "bad", chain), LinkResolution::kEscapes);
}

TEST(LayerPaths, SymlinkLoopsAreReported) {
  SymlinkMap loop{{"l1", "l2"}, {"l2", "l1"}};
  EXPECT_EQ(resolve_symlink("l1", "l2", loop), LinkResolution::kLoops);
}

}  // namespace
}  // namespace bronze::oci
