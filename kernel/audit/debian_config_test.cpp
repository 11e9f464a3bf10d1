// Debian's cloud kernel is a general-purpose distribution kernel: the audit
// must fail it, and for the reasons we know it has. A checker that passes a
// known-bad config is worse than none.
#include <gtest/gtest.h>

#include <filesystem>

#include "kernel/audit/kspp_audit.h"
#include "kernel/audit/report_output.h"

namespace bronze::kspp {
namespace {

constexpr const char* kPackage = "linux-image-cloud-amd64";

// /boot/config-<release>-cloud-amd64, as the package installs it.
std::optional<std::filesystem::path> find_cloud_config() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/boot", ec)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with("config-") && name.ends_with("-cloud-amd64")) return entry.path();
  }
  return std::nullopt;
}

class DebianCloudConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto path = find_cloud_config();
    ASSERT_TRUE(path.has_value()) << "no /boot/config-*-cloud-amd64: install the Debian package " << kPackage
                                  << " (apt-get install " << kPackage << ")";
    config_ = load_config(*path);
    report_ = audit(config_, {});
  }

  Outcome outcome(const std::string& option) {
    const Row* row = report_.find(option);
    if (!row) {
      ADD_FAILURE() << "no row for " << option;
      return Outcome::Ok;
    }
    return row->outcome;
  }

  KernelConfig config_;
  Report report_;
};

TEST_F(DebianCloudConfigTest, AuditFails) {
  EXPECT_EQ(report_.arch, "amd64");
  EXPECT_EQ(report_.kernel_version.major, 6);
  EXPECT_EQ(report_.kernel_version.minor, 1);
  EXPECT_FALSE(report_.passed());
  EXPECT_GT(report_.failures(), 10);
  auto json = to_json(report_);
  EXPECT_EQ(json.at("passed"), false);
}

TEST_F(DebianCloudConfigTest, LoadableModulesWithoutEnforcedSignatures) {
  ASSERT_EQ(config_.raw("MODULES"), "y");
  ASSERT_EQ(config_.raw("MODULE_SIG_FORCE"), "n");
  EXPECT_EQ(outcome("MODULES"), Outcome::Fail);
  EXPECT_EQ(outcome("MODULE_SIG_FORCE"), Outcome::Fail);
  EXPECT_EQ(report_.find("MODULE_SIG_FORCE")->found, "is not set");
  // Signed with SHA-256, not the SHA-512 KSPP asks for.
  EXPECT_EQ(outcome("MODULE_SIG_HASH"), Outcome::Fail);
  EXPECT_EQ(outcome("MODULE_SIG"), Outcome::Ok);
}

TEST_F(DebianCloudConfigTest, KnownDistributionCompromises) {
  EXPECT_EQ(outcome("SLAB_MERGE_DEFAULT"), Outcome::Fail);
  EXPECT_EQ(outcome("INIT_ON_FREE_DEFAULT_ON"), Outcome::Fail);
  EXPECT_EQ(outcome("RANDSTRUCT_FULL"), Outcome::Fail);
  EXPECT_EQ(outcome("ARCH_MMAP_RND_BITS"), Outcome::Fail);
  EXPECT_EQ(report_.find("ARCH_MMAP_RND_BITS")->found, "28");
}

TEST_F(DebianCloudConfigTest, WhatDebianGetsRight) {
  EXPECT_EQ(outcome("HARDENED_USERCOPY"), Outcome::Ok);
  EXPECT_EQ(outcome("DEBUG_LIST"), Outcome::Ok);
  EXPECT_EQ(outcome("LSM"), Outcome::Ok);
  EXPECT_EQ(outcome("INIT_ON_ALLOC_DEFAULT_ON"), Outcome::Ok);
  EXPECT_EQ(outcome("DEFAULT_MMAP_MIN_ADDR"), Outcome::Ok);
  // 6.1.y names, checked through the renamed rules.
  EXPECT_EQ(outcome("MITIGATION_SRSO"), Outcome::Ok);
  EXPECT_EQ(report_.find("MITIGATION_SRSO")->found, "y (as CPU_SRSO)");
  EXPECT_EQ(outcome("MITIGATION_RETPOLINE"), Outcome::Ok);
  // Not for this arch, kernel or compiler.
  EXPECT_EQ(outcome("ARM64_BTI_KERNEL"), Outcome::NotApplicable);
  EXPECT_EQ(outcome("RANDOM_KMALLOC_CACHES"), Outcome::NotApplicable);
  EXPECT_EQ(outcome("CFI"), Outcome::NotApplicable);
}

}  // namespace
}  // namespace bronze::kspp
