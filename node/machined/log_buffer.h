// machined's log: every line it prints on the console is also kept here, in
// memory, for the Logs call. A node has no disk for logs of its own (STATE
// holds config, EPHEMERAL may be wiped), so, as on Talos, a service's log
// lives in memory and lasts one boot.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace bronze::machined {

struct LogLine {
  uint64_t sequence = 0;  // 1, 2, ... in the order lines were added
  int64_t unix_millis = 0;
  std::string text;
};

class LogBuffer {
 public:
  explicit LogBuffer(size_t capacity = 10000) : capacity_(capacity) {}

  // Keeps the line (dropping the oldest beyond capacity) and wakes followers.
  void add(const std::string& text);

  // Lines with sequence > `after`; at most the last `tail` when tail > 0.
  std::vector<LogLine> since(uint64_t after, size_t tail = 0) const;

  // Waits up to `timeout` for a line with sequence > `after`; returns the
  // sequence of the newest line.
  uint64_t wait_for_more(uint64_t after, std::chrono::milliseconds timeout) const;

 private:
  size_t capacity_;
  mutable std::mutex mutex_;
  mutable std::condition_variable added_;
  std::deque<LogLine> lines_;
  uint64_t last_sequence_ = 0;
};

}  // namespace bronze::machined
