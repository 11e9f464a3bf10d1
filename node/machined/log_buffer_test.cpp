#include "node/machined/log_buffer.h"

#include <gtest/gtest.h>

#include <thread>

namespace bronze::machined {

TEST(LogBuffer, KeepsOrderAndDropsTheOldestBeyondCapacity) {
  LogBuffer log(3);
  for (int i = 1; i <= 5; ++i) log.add("line " + std::to_string(i));
  auto lines = log.since(0);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].text, "line 3");
  EXPECT_EQ(lines[0].sequence, 3u);
  EXPECT_EQ(lines[2].text, "line 5");
  EXPECT_EQ(log.since(4).size(), 1u);
  auto tail = log.since(0, 2);
  ASSERT_EQ(tail.size(), 2u);
  EXPECT_EQ(tail[0].text, "line 4");
}

TEST(LogBuffer, FollowerWakesOnANewLine) {
  LogBuffer log;
  log.add("first");
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    log.add("second");
  });
  uint64_t newest = log.wait_for_more(1, std::chrono::seconds(10));
  writer.join();
  EXPECT_EQ(newest, 2u);
  EXPECT_EQ(log.since(1).at(0).text, "second");
}

TEST(LogBuffer, WaitEndsAtTheTimeoutWithoutNewLines) {
  LogBuffer log;
  log.add("only");
  EXPECT_EQ(log.wait_for_more(1, std::chrono::milliseconds(20)), 1u);
}

}  // namespace bronze::machined
