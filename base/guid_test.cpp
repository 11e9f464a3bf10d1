#include "base/guid.h"

#include <gtest/gtest.h>

namespace bronze {

TEST(Guid, SameInputsGiveTheSameGuid) {
  EXPECT_EQ(derive_guid({"metal-amd64", "v1", "EFI"}), derive_guid({"metal-amd64", "v1", "EFI"}));
}

TEST(Guid, EveryInputCounts) {
  auto base = derive_guid({"metal-amd64", "v1", "EFI"});
  EXPECT_NE(base, derive_guid({"metal-amd64", "v2", "EFI"}));
  EXPECT_NE(base, derive_guid({"metal-amd64", "v1", "STATE"}));
  EXPECT_NE(derive_guid({"ab", "c"}), derive_guid({"a", "bc"}));
}

TEST(Guid, HasTheRfc4122Shape) {
  auto g = derive_guid({"x"});
  ASSERT_EQ(g.size(), 36u);
  EXPECT_EQ(g[8], '-');
  EXPECT_EQ(g[13], '-');
  EXPECT_EQ(g[14], '5');  // version nibble
  EXPECT_TRUE(g[19] == '8' || g[19] == '9' || g[19] == 'A' || g[19] == 'B');  // variant
}

TEST(Guid, VolumeIdIsEightHexDigits) {
  auto id = derive_volume_id({"metal-amd64", "v1", "EFI"});
  EXPECT_EQ(id.size(), 8u);
  EXPECT_EQ(id.find_first_not_of("0123456789ABCDEF"), std::string::npos);
}

}  // namespace bronze
