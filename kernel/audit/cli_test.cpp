// The kspp-audit program as users and scripts see it: exit status, messages,
// and JSON that is read by field name.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/files.h"
#include "base/subprocess.h"
#include "tests/support/kspp_test_support.h"

namespace bronze::kspp {
namespace {

RunResult kspp_audit(std::vector<std::string> args) {
  args.insert(args.begin(), KSPP_AUDIT_BIN);
  return run(args);
}

const std::string kBadConfig = testing::header("x86", "6.1.192") +
                               "CONFIG_MODULES=y\n# CONFIG_MODULE_SIG_FORCE is not set\nCONFIG_DEVMEM=y\n";

class CliTest : public ::testing::Test {
 protected:
  TempDir dir_{"kspp-cli"};
  std::string write(const std::string& name, const std::string& data) {
    auto path = dir_.path() / name;
    write_file(path, data);
    return path.string();
  }
};

const nlohmann::json* json_row(const nlohmann::json& report, const std::string& option) {
  for (const auto& row : report.at("rows")) {
    if (row.at("option") == option) return &row;
  }
  return nullptr;
}

TEST_F(CliTest, HelpExitsZero) {
  auto result = kspp_audit({"--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("usage: kspp-audit"), std::string::npos);
  EXPECT_NE(result.out.find("--exceptions"), std::string::npos);
}

TEST_F(CliTest, BadUsageExitsTwo) {
  auto missing = kspp_audit({});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("missing CONFIG_OR_KERNEL"), std::string::npos) << missing.err;

  auto unknown = kspp_audit({"--frobnicate", "x"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("--frobnicate"), std::string::npos) << unknown.err;

  auto arch = kspp_audit({"--arch", "sparc", write("config", kBadConfig)});
  EXPECT_EQ(arch.exit_code, 2);
  EXPECT_NE(arch.err.find("sparc"), std::string::npos) << arch.err;

  auto no_value = kspp_audit({write("config", kBadConfig), "--cmdline"});
  EXPECT_EQ(no_value.exit_code, 2);
}

TEST_F(CliTest, UnreadableInputExitsTwoAndNamesIt) {
  auto path = (dir_.path() / "missing-config").string();
  auto result = kspp_audit({path});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(path), std::string::npos) << result.err;

  auto junk = kspp_audit({write("junk.bin", std::string(2048, '\x7f') + std::string(1, '\0'))});
  EXPECT_EQ(junk.exit_code, 2);
  EXPECT_NE(junk.err.find("CONFIG_IKCONFIG"), std::string::npos) << junk.err;
}

TEST_F(CliTest, FailingConfigExitsOneAndShowsTheRows) {
  auto result = kspp_audit({write("config", kBadConfig)});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find("MODULE_SIG_FORCE"), std::string::npos);
  EXPECT_NE(result.out.find("FAIL"), std::string::npos);
  EXPECT_NE(result.err.find("FAIL"), std::string::npos) << result.err;
}

TEST_F(CliTest, JsonNamesEveryField) {
  auto result = kspp_audit({"--json", write("config", kBadConfig)});
  EXPECT_EQ(result.exit_code, 1);
  auto report = nlohmann::json::parse(result.out);
  EXPECT_EQ(report.at("passed"), false);
  EXPECT_EQ(report.at("arch"), "amd64");
  EXPECT_EQ(report.at("kernel_version"), "6.1.192");
  EXPECT_GT(report.at("counts").at("fail").get<int>(), 0);
  const auto* row = json_row(report, "MODULE_SIG_FORCE");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->at("outcome"), "FAIL");
  EXPECT_EQ(row->at("found"), "is not set");
  EXPECT_EQ(row->at("kind"), "kconfig");
  EXPECT_FALSE(row->at("reason").get<std::string>().empty());
}

TEST_F(CliTest, AcceptingEveryFailurePassesAndRecordsTheReasons) {
  auto config = write("config", kBadConfig);
  auto first = nlohmann::json::parse(kspp_audit({"--json", config}).out);
  std::string yaml;
  int failures = 0;
  for (const auto& row : first.at("rows")) {
    if (row.at("outcome") != "FAIL") continue;
    ++failures;
    yaml += row.at("option").get<std::string>() + ": accepted in this test\n";
  }
  ASSERT_GT(failures, 0);
  auto exceptions = write("exceptions.yaml", yaml);

  auto result = kspp_audit({"--json", "--exceptions", exceptions, config});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  auto report = nlohmann::json::parse(result.out);
  EXPECT_EQ(report.at("passed"), true);
  EXPECT_EQ(report.at("counts").at("fail"), 0);
  EXPECT_EQ(report.at("counts").at("accepted"), failures);
  EXPECT_EQ(json_row(report, "MODULES")->at("exception"), "accepted in this test");

  auto table = kspp_audit({"--exceptions=" + exceptions, config});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("ACCEPTED"), std::string::npos);
}

TEST_F(CliTest, ExceptionWithoutReasonExitsTwo) {
  auto result = kspp_audit({"--exceptions", write("exceptions.yaml", "MODULES:\n"), write("config", kBadConfig)});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("no reason"), std::string::npos) << result.err;
}

TEST_F(CliTest, CmdlineAndSysctls) {
  auto result =
      kspp_audit({"--json", "--sysctls", "--cmdline", "nokaslr slab_nomerge", write("config", kBadConfig)});
  auto report = nlohmann::json::parse(result.out);
  const auto* nokaslr = json_row(report, "nokaslr");
  ASSERT_NE(nokaslr, nullptr);
  EXPECT_EQ(nokaslr->at("kind"), "cmdline");
  EXPECT_EQ(nokaslr->at("outcome"), "FAIL");
  EXPECT_EQ(json_row(report, "slab_nomerge")->at("outcome"), "OK");
  ASSERT_TRUE(report.contains("sysctls"));
  bool found = false;
  for (const auto& s : report.at("sysctls")) {
    if (s.at("name") == "kernel.kptr_restrict") {
      found = true;
      EXPECT_EQ(s.at("value"), "2");
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(CliTest, ArchAndVersionOptions) {
  std::string headerless = "CONFIG_BUG=y\n";
  auto unknown = kspp_audit({write("config", headerless)});
  EXPECT_EQ(unknown.exit_code, 2);
  auto given = kspp_audit({"--json", "--arch", "arm64", "--kernel-version", "6.1", write("config", headerless)});
  EXPECT_EQ(given.exit_code, 1) << given.err;
  auto report = nlohmann::json::parse(given.out);
  EXPECT_EQ(report.at("arch"), "arm64");
  EXPECT_EQ(json_row(report, "X86_MSR")->at("outcome"), "N/A");
}

}  // namespace
}  // namespace bronze::kspp
