#include "disk/partitions/layout.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/units.h"

namespace bronze::disk {

namespace {
LayoutSizes sizes_with_boot(uint64_t boot) {
  LayoutSizes s;
  s.boot = boot;
  return s;
}
}  // namespace

TEST(Layout, MatchesTheDesignTable) {
  Layout l = Layout::plan(GiB, sizes_with_boot(128 * MiB));
  const auto& p = l.partitions();
  ASSERT_EQ(p.size(), 7u);
  const char* labels[] = {"EFI", "BIOS", "BOOT-A", "BOOT-B", "META", "STATE", "EPHEMERAL"};
  uint64_t sizes[] = {100 * MiB, MiB, 128 * MiB, 128 * MiB, MiB, 100 * MiB, 0};
  for (size_t i = 0; i < p.size(); ++i) {
    EXPECT_EQ(p[i].label, labels[i]);
    EXPECT_EQ(p[i].number, static_cast<int>(i) + 1);
    EXPECT_EQ(p[i].start % MiB, 0u) << p[i].label;
    EXPECT_EQ(p[i].size % MiB, 0u) << p[i].label;
    if (sizes[i]) {
      EXPECT_EQ(p[i].size, sizes[i]) << p[i].label;
    }
    if (i > 0) {
      EXPECT_EQ(p[i].start, p[i - 1].end()) << p[i].label;
    }
  }
  EXPECT_EQ(p[0].start, MiB);
  EXPECT_EQ(p[0].type_guid, part_type::kEfiSystem);
  EXPECT_EQ(p[1].type_guid, part_type::kBiosBoot);
  EXPECT_EQ(p[2].type_guid, part_type::kLinuxData);
  // EPHEMERAL takes the rest, short of the backup GPT.
  EXPECT_LE(p[6].end(), GiB - kBackupGptBytes);
  EXPECT_GT(p[6].end() + MiB, GiB - kBackupGptBytes);
}

TEST(Layout, MinimumDiskFitsAndOneMiBLessDoesNot) {
  auto s = sizes_with_boot(128 * MiB);
  uint64_t min = Layout::minimum_disk_size(s);
  EXPECT_NO_THROW(Layout::plan(min, s));
  EXPECT_GE(Layout::plan(min, s).get("EPHEMERAL").size, s.min_ephemeral);
  EXPECT_THROW(Layout::plan(min - MiB, s), Error);
}

TEST(Layout, TooSmallDiskNamesWhatIsNeeded) {
  try {
    Layout::plan(300 * MiB, sizes_with_boot(128 * MiB));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("too small"), std::string::npos) << msg;
    EXPECT_NE(msg.find("at least"), std::string::npos) << msg;
  }
}

TEST(Layout, RefusesSizesThatAreNotWholeMiB) {
  EXPECT_THROW(Layout::plan(GiB, sizes_with_boot(128 * MiB + 512)), Error);
  EXPECT_THROW(Layout::plan(GiB, sizes_with_boot(0)), Error);
}

TEST(Layout, GetByLabel) {
  Layout l = Layout::plan(GiB, sizes_with_boot(64 * MiB));
  EXPECT_EQ(l.get("META").size, MiB);
  EXPECT_THROW(l.get("NOPE"), Error);
}

}  // namespace bronze::disk
