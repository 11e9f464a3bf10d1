#include "kernel/cmdline/kernel_cmdline.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace bronze {

TEST(KernelCmdline, ParsesKeysValuesAndFlags) {
  auto c = KernelCmdline::parse("console=ttyS0,115200n8 bronze.slot=A nosmt\n");
  EXPECT_EQ(c.get("console"), "ttyS0,115200n8");
  EXPECT_EQ(c.get("bronze.slot"), "A");
  EXPECT_TRUE(c.has("nosmt"));
  EXPECT_FALSE(c.has("bronze"));
  EXPECT_FALSE(c.get("nosmt").has_value());
}

TEST(KernelCmdline, LastValueWinsLikeTheKernel) {
  auto c = KernelCmdline::parse("panic=10 panic=1");
  EXPECT_EQ(c.get("panic"), "1");
}

TEST(KernelCmdline, KeepsQuotedValuesTogether) {
  auto c = KernelCmdline::parse("a=\"x y\" b=2");
  EXPECT_EQ(c.get("a"), "x y");
  EXPECT_EQ(c.args().size(), 2u);
}

TEST(KernelCmdline, JoinRefusesArgumentsThatWouldSplit) {
  EXPECT_EQ(join_cmdline({"a=1", "b"}), "a=1 b");
  EXPECT_THROW(join_cmdline({"a b"}), Error);
  EXPECT_THROW(join_cmdline({""}), Error);
  EXPECT_THROW(join_cmdline({"x=\"y\""}), Error);
}

}  // namespace bronze
