#include "base/subprocess.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/error.h"

namespace bronze {

TEST(Subprocess, CollectsOutputAndExitCode) {
  auto r = run({"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
}

TEST(Subprocess, ArgumentsAreNotInterpretedByAShell) {
  auto r = run_checked({"echo", "$HOME; rm -rf /"});
  EXPECT_EQ(r.out, "$HOME; rm -rf /\n");
}

TEST(Subprocess, FailureCarriesStderr) {
  try {
    run_checked({"sh", "-c", "echo 'disk is on fire' >&2; exit 1"});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("disk is on fire"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("exit 1"), std::string::npos) << e.what();
  }
}

TEST(Subprocess, MissingProgramIsAClearError) {
  try {
    run({"bronze-no-such-program"});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bronze-no-such-program"), std::string::npos);
  }
  EXPECT_FALSE(program_exists("bronze-no-such-program"));
  EXPECT_TRUE(program_exists("sh"));
}

TEST(Subprocess, EnvironmentOverrides) {
  auto r = run_checked({"sh", "-c", "echo $BRONZE_TEST_VAR"}, RunOptions{{{"BRONZE_TEST_VAR", "42"}}, {}, {}});
  EXPECT_EQ(r.out, "42\n");
}

TEST(Subprocess, LargeOutputOnBothStreamsDoesNotDeadlock) {
  auto r = run_checked({"sh", "-c", "head -c 300000 /dev/zero; head -c 300000 /dev/zero >&2"});
  EXPECT_EQ(r.out.size(), 300000u);
  EXPECT_EQ(r.err.size(), 300000u);
}

TEST(Subprocess, RelaysStderrLinesAsTheyArrive) {
  std::vector<std::string> lines;
  RunOptions options;
  options.on_stderr_line = [&](const std::string& line) { lines.push_back(line); };
  RunResult r = run({"sh", "-c", "echo one >&2; echo out; printf 'two\\nthree' >&2"}, options);
  EXPECT_EQ(r.exit_code, 0);
  // The unterminated last line is collected but not relayed as a line.
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(r.err, "one\ntwo\nthree");
  EXPECT_EQ(r.out, "out\n");
}

}  // namespace bronze
