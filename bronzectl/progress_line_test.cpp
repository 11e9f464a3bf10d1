#include "bronzectl/progress_line.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <sstream>
#include <vector>

namespace bronze::ctl {
namespace {

using namespace std::chrono_literals;
constexpr uint64_t kMiB = 1u << 20;
const std::string kClear = "\x1b[K";

// A ProgressLine writing into memory, on a clock the test moves.
class ProgressLineTest : public testing::Test {
 protected:
  ProgressLineTest() : file_(open_memstream(&data_, &size_)) {}
  ~ProgressLineTest() override {
    std::fclose(file_);
    std::free(data_);
  }

  ProgressOutput output(ProgressMode mode) {
    return {.file = file_, .mode = mode, .clock = [this] { return now_; }};
  }
  std::string text() {
    std::fflush(file_);
    return {data_, size_};
  }
  std::vector<nlohmann::json> json_lines() {
    std::vector<nlohmann::json> lines;
    std::istringstream in(text());
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    return lines;
  }

  TransferRate::Clock::time_point now_{};

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
  FILE* file_;
};

TEST(ProgressMode, JsonWinsElseABarOnlyOnATerminal) {
  EXPECT_EQ(progress_mode(true, true), ProgressMode::json);
  EXPECT_EQ(progress_mode(true, false), ProgressMode::json);
  EXPECT_EQ(progress_mode(false, true), ProgressMode::bar);
  EXPECT_EQ(progress_mode(false, false), ProgressMode::plain);
}

TEST_F(ProgressLineTest, BarShowsRateAndEtaThenElapsedAndAverageWhenDone) {
  ProgressLine line("n1", output(ProgressMode::bar));
  line.bytes("stream", 0, 100 * kMiB);
  now_ += 1s;
  line.bytes("stream", 10 * kMiB, 100 * kMiB);
  now_ += 1s;
  line.bytes("stream", 20 * kMiB, 100 * kMiB);
  now_ += 8s;
  line.bytes("stream", 100 * kMiB, 100 * kMiB);
  EXPECT_EQ(text(), "\rn1: stream   [                    ] 0.0 KiB / 100.0 MiB" + kClear +
                        "\rn1: stream   [##                  ] 10.0 MiB / 100.0 MiB  10.0 MiB/s  ETA 0:09" + kClear +
                        "\rn1: stream   [####                ] 20.0 MiB / 100.0 MiB  10.0 MiB/s  ETA 0:08" + kClear +
                        "\rn1: stream   [####################] 100.0 MiB / 100.0 MiB  done in 0:10  avg 10.0 MiB/s" +
                        kClear + "\n");
}

TEST_F(ProgressLineTest, BarRateFollowsTheLastSecondsNotTheStart) {
  ProgressLine line("n1", output(ProgressMode::bar));
  for (uint64_t second = 0; second <= 5; ++second) {
    line.bytes("pull", second * 10 * kMiB, 100 * kMiB);
    now_ += 1s;
  }
  for (uint64_t second = 6; second <= 10; ++second) {
    line.bytes("pull", 50 * kMiB + (second - 5) * 2 * kMiB, 100 * kMiB);
    if (second < 10) now_ += 1s;
  }
  std::string drawn = text();
  std::string last = drawn.substr(drawn.rfind('\r'));
  EXPECT_EQ(last, "\rn1: pull     [############        ] 60.0 MiB / 100.0 MiB  2.0 MiB/s  ETA 0:20" + kClear);
}

TEST_F(ProgressLineTest, ANewStepStartsItsOwnRate) {
  ProgressLine line("n1", output(ProgressMode::bar));
  line.bytes("send", 0, 100 * kMiB);
  now_ += 1s;
  line.bytes("send", 50 * kMiB, 100 * kMiB);
  std::string before = text();
  now_ += 1s;
  line.bytes("stream", 0, 200 * kMiB);
  now_ += 1s;
  line.bytes("stream", 4 * kMiB, 200 * kMiB);
  // The send bar stays on its line as last drawn; stream's rate knows nothing
  // of send's 50 MiB/s.
  EXPECT_EQ(text().substr(before.size()),
            "\n\rn1: stream   [                    ] 0.0 KiB / 200.0 MiB" + kClear +
                "\rn1: stream   [                    ] 4.0 MiB / 200.0 MiB  4.0 MiB/s  ETA 0:49" + kClear);
}

TEST_F(ProgressLineTest, AStepStartingOverStartsItsRateOver) {
  ProgressLine line("n1", output(ProgressMode::plain));
  line.bytes("pull", 0, 100 * kMiB);
  now_ += 1s;
  line.bytes("pull", 40 * kMiB, 100 * kMiB);
  now_ += 10s;
  line.bytes("pull", 0, 100 * kMiB);  // resumed from another endpoint, from the start
  now_ += 1s;
  line.bytes("pull", 30 * kMiB, 100 * kMiB);
  EXPECT_EQ(text(),
            "n1: pull 0.0 KiB / 100.0 MiB\n"
            "n1: pull 40.0 MiB / 100.0 MiB  40.0 MiB/s  ETA 0:02\n"
            "n1: pull 0.0 KiB / 100.0 MiB\n"
            "n1: pull 30.0 MiB / 100.0 MiB  30.0 MiB/s  ETA 0:02\n");
}

TEST_F(ProgressLineTest, PlainLinesOnlyPerQuarterWithRateAndEta) {
  ProgressLine line("n1", output(ProgressMode::plain));
  for (uint64_t tenth = 0; tenth <= 10; ++tenth) {
    line.bytes("pull", tenth * 10 * kMiB, 100 * kMiB);
    if (tenth < 10) now_ += 1s;
  }
  line.bytes("pull", 100 * kMiB, 100 * kMiB);  // the node repeats the end with its summary
  line.message("verify", "checking the signature");
  EXPECT_EQ(text(),
            "n1: pull 0.0 KiB / 100.0 MiB\n"
            "n1: pull 30.0 MiB / 100.0 MiB  10.0 MiB/s  ETA 0:07\n"
            "n1: pull 50.0 MiB / 100.0 MiB  10.0 MiB/s  ETA 0:05\n"
            "n1: pull 80.0 MiB / 100.0 MiB  10.0 MiB/s  ETA 0:02\n"
            "n1: pull 100.0 MiB / 100.0 MiB  done in 0:10  avg 10.0 MiB/s\n"
            "n1: verify: checking the signature\n");
}

TEST_F(ProgressLineTest, AMessageEndsTheBar) {
  ProgressLine line("n1", output(ProgressMode::bar));
  line.bytes("stream", 0, 100 * kMiB);
  line.message("stream", "installer: writing");
  EXPECT_EQ(text(), "\rn1: stream   [                    ] 0.0 KiB / 100.0 MiB" + kClear +
                        "\nn1: stream: installer: writing\n");
}

TEST_F(ProgressLineTest, JsonLinesCarryBytesRateEtaAndMessages) {
  ProgressLine line("n1", output(ProgressMode::json));
  line.bytes("stream", 0, 100 * kMiB);
  now_ += 1s;
  line.bytes("stream", 10 * kMiB, 100 * kMiB);
  line.message("verify", "checking \"it\"");
  now_ += 9s;
  line.bytes("stream", 100 * kMiB, 100 * kMiB);
  auto lines = json_lines();
  ASSERT_EQ(lines.size(), 4u) << text();
  EXPECT_EQ(lines[0], nlohmann::json::parse(R"({"node":"n1","step":"stream","done":0,"total":104857600,
                                                "rate":null,"eta_seconds":null})"));
  EXPECT_EQ(lines[1], nlohmann::json::parse(R"({"node":"n1","step":"stream","done":10485760,"total":104857600,
                                                "rate":10485760,"eta_seconds":9})"));
  EXPECT_EQ(lines[2], nlohmann::json::parse(R"({"node":"n1","step":"verify","message":"checking \"it\""})"));
  EXPECT_EQ(lines[3], nlohmann::json::parse(R"({"node":"n1","step":"stream","done":104857600,"total":104857600,
                                                "rate":10485760,"eta_seconds":0})"));
  EXPECT_EQ(text().substr(0, 29), R"({"node":"n1","step":"stream",)") << "node and step lead each line";
}

TEST_F(ProgressLineTest, JsonMessagesWithBytesThatAreNotUtf8StayParseable) {
  ProgressLine line("n1", output(ProgressMode::json));
  line.message("install", "bad \xff byte");
  auto lines = json_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["message"], "bad \xEF\xBF\xBD byte");
}

std::vector<uint64_t> dones(const std::vector<nlohmann::json>& lines) {
  std::vector<uint64_t> out;
  for (const auto& line : lines) out.push_back(line.value("done", uint64_t{0}));
  return out;
}

// An event every 100 ms: at most one per 250 ms is written, and the last.
TEST_F(ProgressLineTest, JsonThrottleWritesAFewPerSecondAndTheLast) {
  ProgressLine line("n1", output(ProgressMode::json));
  for (uint64_t tenth = 0; tenth <= 10; ++tenth) {
    line.bytes("stream", tenth * 5 * kMiB, 50 * kMiB);
    if (tenth < 10) now_ += 100ms;
  }
  auto lines = json_lines();
  EXPECT_EQ(dones(lines), (std::vector<uint64_t>{0, 15 * kMiB, 30 * kMiB, 45 * kMiB, 50 * kMiB})) << text();
  EXPECT_EQ(lines[1]["rate"], 50 * kMiB);
  EXPECT_EQ(lines[1]["eta_seconds"], 1);
}

// A transfer that breaks off never reaches its total: its newest event,
// held back by the throttle, still comes out, before what follows it.
TEST_F(ProgressLineTest, JsonThrottleKeepsTheLastEventOfAStepThatStops) {
  ProgressLine line("n1", output(ProgressMode::json));
  line.bytes("stream", 0, 50 * kMiB);
  now_ += 100ms;
  line.bytes("stream", 5 * kMiB, 50 * kMiB);
  now_ += 100ms;
  line.bytes("stream", 7 * kMiB, 50 * kMiB);
  EXPECT_EQ(json_lines().size(), 1u) << text();
  line.message("stream", "the transfer broke off");
  now_ += 100ms;
  line.bytes("send", 0, 10 * kMiB);
  now_ += 100ms;
  line.bytes("send", 3 * kMiB, 10 * kMiB);
  line.finish();
  auto lines = json_lines();
  ASSERT_EQ(lines.size(), 5u) << text();
  EXPECT_EQ(lines[1]["done"], 7 * kMiB);
  EXPECT_EQ(lines[2]["message"], "the transfer broke off");
  EXPECT_EQ(lines[3]["step"], "send");
  EXPECT_EQ(lines[4]["step"], "send");
  EXPECT_EQ(lines[4]["done"], 3 * kMiB);
  EXPECT_EQ(lines[4]["rate"], 30 * kMiB);
  EXPECT_EQ(lines[4]["eta_seconds"], 0) << "7 MiB at 30 MiB/s: 0.23 s";
}

}  // namespace
}  // namespace bronze::ctl
