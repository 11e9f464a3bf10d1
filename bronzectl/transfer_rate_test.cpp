#include "bronzectl/transfer_rate.h"

#include <gtest/gtest.h>

#include "bronzectl/progress_text.h"

namespace bronze::ctl {
namespace {

using namespace std::chrono_literals;
constexpr uint64_t kMiB = 1u << 20;
const TransferRate::Clock::time_point kStart{};

TEST(TransferRate, UnknownUntilTwoSamplesLieApart) {
  TransferRate rate;
  rate.add(kStart, 0);
  EXPECT_EQ(rate.bytes_per_second(), std::nullopt);
  EXPECT_EQ(rate.seconds_left(100 * kMiB), std::nullopt);
  rate.add(kStart, 5 * kMiB);
  EXPECT_EQ(rate.bytes_per_second(), std::nullopt);
  rate.add(kStart + 1s, 10 * kMiB);
  EXPECT_EQ(rate.bytes_per_second(), 10.0 * kMiB);
  EXPECT_EQ(rate.seconds_left(100 * kMiB), 9.0);
}

// 10 MiB/s for five seconds, then 2 MiB/s for five: the rate and the ETA are
// those of the last five seconds; only the average remembers the fast start.
TEST(TransferRate, RateIsThatOfTheLastSecondsNotSinceTheStart) {
  TransferRate rate;
  for (int second = 0; second <= 5; ++second) rate.add(kStart + second * 1s, static_cast<uint64_t>(second) * 10 * kMiB);
  EXPECT_EQ(rate.bytes_per_second(), 10.0 * kMiB);
  for (int second = 6; second <= 10; ++second) {
    rate.add(kStart + second * 1s, 50 * kMiB + static_cast<uint64_t>(second - 5) * 2 * kMiB);
  }
  EXPECT_EQ(rate.bytes_per_second(), 2.0 * kMiB);
  EXPECT_EQ(rate.seconds_left(100 * kMiB), 20.0);
  EXPECT_EQ(rate.elapsed_seconds(), 10.0);
  EXPECT_EQ(rate.average_bytes_per_second(), 6.0 * kMiB);
}

TEST(TransferRate, AStalledTransferHasRateZeroAndNoEta) {
  TransferRate rate;
  rate.add(kStart, 10 * kMiB);
  rate.add(kStart + 6s, 10 * kMiB);
  EXPECT_EQ(rate.bytes_per_second(), 0.0);
  EXPECT_EQ(rate.seconds_left(100 * kMiB), std::nullopt);
}

TEST(TransferRate, NothingLeftOnceDone) {
  TransferRate rate;
  rate.add(kStart, 100 * kMiB);
  EXPECT_EQ(rate.seconds_left(100 * kMiB), 0.0);
}

TEST(ProgressText, BytesRatesAndDurations) {
  EXPECT_EQ(format_bytes(0), "0.0 KiB");
  EXPECT_EQ(format_bytes(512 * 1024), "512.0 KiB");
  EXPECT_EQ(format_bytes(312 * kMiB), "312.0 MiB");
  EXPECT_EQ(format_bytes(1126 * kMiB), "1.1 GiB");
  EXPECT_EQ(format_rate(48.2 * kMiB), "48.2 MiB/s");
  EXPECT_EQ(format_duration(0), "0:00");
  EXPECT_EQ(format_duration(17), "0:17");
  EXPECT_EQ(format_duration(16.6), "0:17");
  EXPECT_EQ(format_duration(725), "12:05");
  EXPECT_EQ(format_duration(3725), "1:02:05");
}

}  // namespace
}  // namespace bronze::ctl
