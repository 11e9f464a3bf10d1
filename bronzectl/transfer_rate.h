// The speed of one transfer as it is now: bytes per second over the last few
// seconds, so that a transfer that slows down (a busy disk, a congested link)
// shows the speed it has and an ETA that follows, not the average since the
// start.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>

namespace bronze::ctl {

class TransferRate {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr Clock::duration kDefaultWindow = std::chrono::seconds(5);

  TransferRate() = default;
  explicit TransferRate(Clock::duration window) : window_(window) {}

  // `done` bytes of the transfer were done at `at` (times never go back).
  void add(Clock::time_point at, uint64_t done);

  // Over the window; unknown until two samples lie apart in time.
  std::optional<double> bytes_per_second() const;
  // At the current rate; unknown while the rate is unknown or zero.
  std::optional<double> seconds_left(uint64_t total) const;
  // Since the first sample, and the bytes done since then.
  double elapsed_seconds() const;
  std::optional<double> average_bytes_per_second() const;

 private:
  struct Sample {
    Clock::time_point at;
    uint64_t done;
  };
  Clock::duration window_ = kDefaultWindow;
  std::optional<Sample> first_;
  // From the last sample at or before the window's start to the newest.
  std::deque<Sample> recent_;
};

}  // namespace bronze::ctl
