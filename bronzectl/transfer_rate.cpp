#include "bronzectl/transfer_rate.h"

namespace bronze::ctl {
namespace {

double seconds_between(TransferRate::Clock::time_point from, TransferRate::Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

std::optional<double> rate_between(uint64_t from_done, TransferRate::Clock::time_point from, uint64_t to_done,
                                   TransferRate::Clock::time_point to) {
  double seconds = seconds_between(from, to);
  if (seconds <= 0 || to_done < from_done) return std::nullopt;
  return static_cast<double>(to_done - from_done) / seconds;
}

}  // namespace

void TransferRate::add(Clock::time_point at, uint64_t done) {
  if (!first_) first_ = Sample{at, done};
  recent_.push_back({at, done});
  // Keeps one sample at or before the window's start, so that the rate spans
  // the whole window once the transfer is that old.
  while (recent_.size() >= 2 && recent_[1].at <= at - window_) recent_.pop_front();
}

std::optional<double> TransferRate::bytes_per_second() const {
  if (recent_.size() < 2) return std::nullopt;
  return rate_between(recent_.front().done, recent_.front().at, recent_.back().done, recent_.back().at);
}

std::optional<double> TransferRate::seconds_left(uint64_t total) const {
  if (recent_.empty()) return std::nullopt;
  uint64_t done = recent_.back().done;
  if (done >= total) return 0.0;
  auto rate = bytes_per_second();
  if (!rate || *rate <= 0) return std::nullopt;
  return static_cast<double>(total - done) / *rate;
}

double TransferRate::elapsed_seconds() const { return first_ ? seconds_between(first_->at, recent_.back().at) : 0.0; }

std::optional<double> TransferRate::average_bytes_per_second() const {
  if (!first_) return std::nullopt;
  return rate_between(first_->done, first_->at, recent_.back().done, recent_.back().at);
}

}  // namespace bronze::ctl
