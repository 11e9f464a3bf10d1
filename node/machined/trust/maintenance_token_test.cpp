#include "node/machined/trust/maintenance_token.h"

#include <gtest/gtest.h>

namespace bronze::machined {
namespace {

std::optional<MaintenanceToken> from(const std::string& cmdline) {
  return maintenance_token_from(KernelCmdline::parse(cmdline));
}

TEST(MaintenanceToken, TakenFromTheKernelCommandLine) {
  EXPECT_FALSE(from("console=ttyS0 bronze.slot=live bronze.maintenance").has_value());
  auto token = from("console=ttyS0 bronze.maintenance.token=k8Hs2mQ9xLp4Zr7Tw bronze.maintenance");
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->value, "k8Hs2mQ9xLp4Zr7Tw");
  EXPECT_EQ(token->source, "kernel argument bronze.maintenance.token");
  EXPECT_EQ(token->problem, "");
  // The kernel's rule: the last one counts.
  EXPECT_EQ(from("bronze.maintenance.token=aaaaaaaaaaaaaaaaa bronze.maintenance.token=bbbbbbbbbbbbbbbbb")->value,
            "bbbbbbbbbbbbbbbbb");
}

// A token given but unusable leaves the node closed, not open to anybody.
TEST(MaintenanceToken, AnUnusableTokenIsKeptWithItsProblem) {
  for (const char* cmdline : {"bronze.maintenance.token", "bronze.maintenance.token=", "bronze.maintenance.token=short",
                              "bronze.maintenance.token=\"sixteen or more but spaced\""}) {
    auto token = from(cmdline);
    ASSERT_TRUE(token.has_value()) << cmdline;
    EXPECT_NE(token->problem, "") << cmdline;
  }
  EXPECT_NE(from("bronze.maintenance.token=short")->problem.find("16 to 256 characters long, and has 5"),
            std::string::npos);
  EXPECT_NE(from("bronze.maintenance.token=" + std::string(257, 'a'))->problem, "");
  EXPECT_EQ(from("bronze.maintenance.token=" + std::string(256, 'a'))->problem, "");
}

}  // namespace
}  // namespace bronze::machined
