#include "base/units.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace bronze {

TEST(Units, ParsesBinaryUnits) {
  EXPECT_EQ(parse_size("100MiB"), 100 * MiB);
  EXPECT_EQ(parse_size("2GiB"), 2 * GiB);
  EXPECT_EQ(parse_size("512KiB"), 512 * KiB);
  EXPECT_EQ(parse_size("4096"), 4096u);
  EXPECT_EQ(parse_size("7B"), 7u);
}

TEST(Units, RefusesAmbiguousOrMalformedSizes) {
  EXPECT_THROW(parse_size("100MB"), Error);
  EXPECT_THROW(parse_size("MiB"), Error);
  EXPECT_THROW(parse_size("-1MiB"), Error);
  EXPECT_THROW(parse_size("99999999999999999999GiB"), Error);
}

TEST(Units, Formats) {
  EXPECT_EQ(format_size(100 * MiB), "100 MiB");
  EXPECT_EQ(format_size(GiB), "1 GiB");
  EXPECT_EQ(format_size(1000), "1000 B");
}

}  // namespace bronze
