#include "node/machined/boot/banner.h"

#include "base/arch.h"

#include <gtest/gtest.h>

namespace bronze::machined {

TEST(Banner, ReadsVersionSlotAndPlatform) {
  auto facts = boot_facts("NAME=\"Bronze\"\nVERSION=\"v1.2.3\"\n",
                          "console=ttyS0 bronze.platform=metal panic=10 bronze.slot=B\n");
  EXPECT_EQ(boot_banner(facts), std::string("bronze v1.2.3 slot=B arch=") + bronze::build_arch() + " platform=metal booted");
}

TEST(Banner, MissingFactsSayUnknown) {
  auto facts = boot_facts("", "");
  EXPECT_EQ(facts.version, "unknown");
  EXPECT_EQ(facts.slot, "unknown");
}

}  // namespace bronze::machined
