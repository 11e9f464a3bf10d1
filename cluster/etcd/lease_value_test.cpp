#include "cluster/etcd/lease_value.h"

#include <gtest/gtest.h>

#include <limits>

namespace bronze::etcd {
namespace {

TEST(LeaseValue, RoundTrips) {
  LeaseHolder holder{"cp-1", 7587869402830186003};
  std::string value = encode_lease_holder(holder);
  EXPECT_EQ(value, R"({"lease":7587869402830186003,"node":"cp-1"})");
  EXPECT_EQ(parse_lease_holder(value), holder);
}

TEST(LeaseValue, KeepsTheWholeRangeOfLeaseIds) {
  LeaseHolder holder{"cp-2", std::numeric_limits<int64_t>::max()};
  EXPECT_EQ(parse_lease_holder(encode_lease_holder(holder)), holder);
}

TEST(LeaseValue, ReadsFieldsInAnyOrderAndIgnoresExtraOnes) {
  EXPECT_EQ(parse_lease_holder(R"({"node":"cp-3","extra":true,"lease":12})"), (LeaseHolder{"cp-3", 12}));
}

TEST(LeaseValue, RefusesWhatIsNotAHolder) {
  EXPECT_EQ(parse_lease_holder(""), std::nullopt);
  EXPECT_EQ(parse_lease_holder("cp-1"), std::nullopt);
  EXPECT_EQ(parse_lease_holder(R"({"node":"cp-1"})"), std::nullopt);
  EXPECT_EQ(parse_lease_holder(R"({"lease":12})"), std::nullopt);
  EXPECT_EQ(parse_lease_holder(R"({"node":"","lease":12})"), std::nullopt);
  EXPECT_EQ(parse_lease_holder(R"({"node":7,"lease":12})"), std::nullopt);
  EXPECT_EQ(parse_lease_holder(R"({"node":"cp-1","lease":"12"})"), std::nullopt);
  EXPECT_EQ(parse_lease_holder(R"({"node":"cp-1","lease":1.5})"), std::nullopt);
  EXPECT_EQ(parse_lease_holder(R"({"node":"cp-1","lease":9223372036854775808})"), std::nullopt);
  EXPECT_EQ(parse_lease_holder(R"(["cp-1",12])"), std::nullopt);
  EXPECT_EQ(parse_lease_holder(R"({"node":"cp-1","lease":12)"), std::nullopt);
}

}  // namespace
}  // namespace bronze::etcd
