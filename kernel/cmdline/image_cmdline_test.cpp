#include "kernel/cmdline/image_cmdline.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/files.h"
#include "kernel/cmdline/kernel_cmdline.h"

namespace bronze {

TEST(Cmdline, AssemblesInOrder) {
  PlatformArgs p;
  p.name = "metal";
  p.consoles["amd64"] = {"tty0", "ttyS0,115200n8"};
  p.args = {"ip=dhcp"};
  KernelArgs k;
  k.common = {"slab_nomerge"};
  k.per_arch["amd64"] = {"pti=on"};
  k.per_arch["arm64"] = {"arm-only"};
  auto args = assemble_cmdline(p, "amd64", k, {"bronze.test.poweroff"});
  EXPECT_EQ(join_cmdline(args),
            "console=tty0 console=ttyS0,115200n8 slab_nomerge pti=on ip=dhcp bronze.platform=metal bronze.test.poweroff");
}

TEST(Cmdline, ShippedKernelArgsCarryKsppAndPanic) {
  auto text = read_file(std::filesystem::path(BRONZE_SOURCE_DIR) / "kernel/cmdline/cmdline.yaml");
  KernelArgs k = parse_kernel_args(text, "cmdline.yaml");
  auto has = [&](const std::vector<std::string>& v, const std::string& a) {
    return std::find(v.begin(), v.end(), a) != v.end();
  };
  EXPECT_TRUE(has(k.common, "slab_nomerge"));
  EXPECT_TRUE(has(k.common, "init_on_alloc=1"));
  EXPECT_TRUE(has(k.common, "lockdown=confidentiality"));
  EXPECT_TRUE(has(k.per_arch.at("amd64"), "pti=on"));
  bool has_panic = false;
  for (const auto& a : k.common) has_panic = has_panic || a.rfind("panic=", 0) == 0;
  EXPECT_TRUE(has_panic);
}

TEST(Cmdline, UnknownArchKeyIsAnError) {
  EXPECT_THROW(parse_kernel_args("common: []\nsparc: []\n", "cmdline.yaml"), Error);
}

}  // namespace bronze
