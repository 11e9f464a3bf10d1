// Upgrade progress for people: on a terminal a bar redrawn in place, else
// one plain line per message, so logs of CI jobs stay readable.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace bronze::ctl {

// Safe to call from two threads.
class ProgressLine {
 public:
  ProgressLine(std::string node, bool enabled);
  ~ProgressLine();
  // A byte count of the current step (bar on a terminal; plain lines only per 25%).
  void bytes(const std::string& step, uint64_t done, uint64_t total);
  // A message of its own: ends any bar and prints the line.
  void message(const std::string& step, const std::string& text);
  void finish();

 private:
  std::string node_;
  bool enabled_;
  bool tty_;
  bool bar_open_ = false;
  std::map<std::string, int> last_quarter_;  // per step, for plain lines
  std::mutex mutex_;  // the sender and the event reader both report

  void end_bar();
};

std::string format_bytes(uint64_t bytes);

}  // namespace bronze::ctl
