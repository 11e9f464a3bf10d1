#include "node/machined/log_buffer.h"

namespace bronze::machined {

void LogBuffer::add(const std::string& text) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  {
    std::lock_guard lock(mutex_);
    lines_.push_back({++last_sequence_, std::chrono::duration_cast<std::chrono::milliseconds>(now).count(), text});
    while (lines_.size() > capacity_) lines_.pop_front();
  }
  added_.notify_all();
}

std::vector<LogLine> LogBuffer::since(uint64_t after, size_t tail) const {
  std::lock_guard lock(mutex_);
  std::vector<LogLine> out;
  for (const auto& line : lines_) {
    if (line.sequence > after) out.push_back(line);
  }
  if (tail > 0 && out.size() > tail) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(tail));
  return out;
}

uint64_t LogBuffer::wait_for_more(uint64_t after, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  added_.wait_for(lock, timeout, [&] { return last_sequence_ > after; });
  return last_sequence_;
}

}  // namespace bronze::machined
