#include "node/machined/trust/trustd_join.h"

#include <gtest/gtest.h>

namespace bronze::machined {
namespace {

TEST(TrustdJoin, DefaultEndpointIsTheControlPlaneHostOnTrustdsPort) {
  EXPECT_EQ(default_trustd_endpoint("https://10.0.0.1:6443"), "10.0.0.1:50001");
  EXPECT_EQ(default_trustd_endpoint("https://cp.example.com:6443/"), "cp.example.com:50001");
  EXPECT_EQ(default_trustd_endpoint("https://cp.example.com"), "cp.example.com:50001");
  EXPECT_EQ(default_trustd_endpoint("https://[fd00::1]:6443"), "[fd00::1]:50001");
  EXPECT_EQ(default_trustd_endpoint("https://[fd00::1]"), "[fd00::1]:50001");
}

}  // namespace
}  // namespace bronze::machined
