// Bronze's own hardened amd64 kernel passes the audit, failing only where
// kernel/audit/exceptions-amd64.yaml says why that is acceptable. The kernel
// image must carry the same config (IKCONFIG), since the imager audits images.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "kernel/audit/kspp_audit.h"

namespace bronze::kspp {
namespace {

// `make test` sets BRONZE_KERNEL_DIR to the cached kernel's folder, which
// holds the final .config as `config`.
constexpr const char* kConfigVariable = "BRONZE_KERNEL_DIR";

std::filesystem::path config_path() {
  const char* dir = std::getenv(kConfigVariable);
  if (!dir || !*dir) return {};
  return std::filesystem::path(dir) / "config";
}

// The kernel's final config passes with only the reasoned exceptions of its
// arch's exceptions file, every one of them still needed.
void expect_passes_with_only_reasoned_exceptions(const char* variable, const std::string& arch,
                                                 const char* exceptions_file) {
  const char* dir = std::getenv(variable);
  ASSERT_TRUE(dir && *dir) << "set " << variable << " to the folder kernel/build-kernel.sh " << arch
                           << " prints (make test does)";
  auto path = std::filesystem::path(dir) / "config";
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " does not exist";

  AuditOptions options;
  options.exceptions = load_exceptions(exceptions_file);
  auto report = audit(load_config(path), options);

  EXPECT_EQ(report.arch, arch);
  for (const auto& row : report.rows) {
    EXPECT_NE(row.outcome, Outcome::Fail) << row.option << ": wanted " << row.wanted << ", found " << row.found
                                          << " (" << row.reason << ")";
    if (row.outcome == Outcome::Accepted) {
      EXPECT_FALSE(row.exception.empty()) << row.option;
    }
  }
  EXPECT_TRUE(report.passed());
  EXPECT_GT(report.count(Outcome::Ok), 80);
  // An exception that no longer matches a failure is stale: remove it.
  EXPECT_TRUE(report.unused_exceptions.empty())
      << "stale exception(s) in " << exceptions_file << ", first: " << report.unused_exceptions.front();
  // The exceptions are what the manifest will record: they must all be used.
  EXPECT_EQ(report.accepted_exceptions().size(), options.exceptions.size());
}

TEST(ProjectConfigTest, PassesWithOnlyReasonedExceptions) {
  expect_passes_with_only_reasoned_exceptions(kConfigVariable, "amd64", KSPP_EXCEPTIONS_AMD64);
}

// The arm64 kernel is a cross build (make kernel ARCH=arm64).
TEST(ProjectConfigTest, Arm64PassesWithOnlyReasonedExceptions) {
  expect_passes_with_only_reasoned_exceptions("BRONZE_KERNEL_DIR_ARM64", "arm64", KSPP_EXCEPTIONS_ARM64);
}

TEST(ProjectConfigTest, KernelImageCarriesTheSameConfig) {
  auto path = config_path();
  ASSERT_FALSE(path.empty()) << "set " << kConfigVariable;
  auto image = path.parent_path() / "vmlinuz";
  ASSERT_TRUE(std::filesystem::exists(image)) << image << " is missing; the kernel cache keeps it next to config";

  auto from_file = load_config(path);
  auto from_image = load_config(image);
  EXPECT_EQ(from_image.options(), from_file.options());
  EXPECT_EQ(from_image.version(), from_file.version());
  EXPECT_GT(from_image.size(), 100u);
}

}  // namespace
}  // namespace bronze::kspp
