#include <gtest/gtest.h>

#include "base/error.h"
#include "base/files.h"
#include "kernel/audit/kspp_audit.h"

namespace bronze::kspp {
namespace {

class ExceptionsFileTest : public ::testing::Test {
 protected:
  TempDir dir_{"kspp-exceptions"};
  std::filesystem::path write(const std::string& yaml) {
    auto path = dir_.path() / "exceptions.yaml";
    write_file(path, yaml);
    return path;
  }
};

TEST_F(ExceptionsFileTest, ReadsOptionsAndReasons) {
  auto exceptions = load_exceptions(write(
      "# Why these may fail\n"
      "MODULES: kept for the GPU driver\n"
      "CONFIG_KEXEC: >-\n  crash kernels on the build farm\n"));
  ASSERT_EQ(exceptions.size(), 2u);
  EXPECT_EQ(exceptions["MODULES"], "kept for the GPU driver");
  EXPECT_EQ(exceptions["CONFIG_KEXEC"], "crash kernels on the build farm");
}

TEST_F(ExceptionsFileTest, EmptyFileAcceptsNothing) { EXPECT_TRUE(load_exceptions(write("")).empty()); }

TEST_F(ExceptionsFileTest, MissingReasonIsAnError) {
  for (const char* yaml : {"MODULES:\n", "MODULES: \"\"\n", "MODULES: [a, b]\n", "MODULES: '   '\n"}) {
    try {
      load_exceptions(write(yaml));
      FAIL() << "expected an error for: " << yaml;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("MODULES"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("no reason"), std::string::npos) << e.what();
    }
  }
}

TEST_F(ExceptionsFileTest, NotAMappingIsAnError) {
  EXPECT_THROW(load_exceptions(write("- MODULES\n- KEXEC\n")), Error);
  EXPECT_THROW(load_exceptions(write("MODULES: [unclosed\n")), Error);
}

TEST_F(ExceptionsFileTest, MissingFileIsAnError) {
  try {
    load_exceptions(dir_.path() / "absent.yaml");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("absent.yaml"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace bronze::kspp
