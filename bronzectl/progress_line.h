// Upgrade progress, per node and step: on a terminal a bar redrawn in place
// with the rate and ETA; elsewhere one plain line per quarter, so that the
// logs of CI jobs stay readable; with --json one JSON object per line, for
// programs that follow an upgrade.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "bronzectl/transfer_rate.h"

namespace bronze::ctl {

enum class ProgressMode { bar, plain, json };

// --json wins; otherwise a bar only where a person watches a terminal.
ProgressMode progress_mode(bool json, bool terminal);

using ProgressClock = std::function<TransferRate::Clock::time_point()>;

// Where and how progress goes; tests give a memory file and a fake clock.
struct ProgressOutput {
  FILE* file = stderr;
  ProgressMode mode = ProgressMode::plain;
  ProgressClock clock = [] { return TransferRate::Clock::now(); };
};

// Safe to call from two threads: the image's sender and the event reader.
class ProgressLine {
 public:
  // JSON byte events of a step come at most this often (plus its last one),
  // so that a program reading them is not flooded by a fast transfer.
  static constexpr auto kJsonInterval = std::chrono::milliseconds(250);

  ProgressLine(std::string node, ProgressOutput output);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // A byte count of a step. A step seen for the first time, or starting over
  // (fewer bytes done than before, another total), gets a rate of its own.
  void bytes(const std::string& step, uint64_t done, uint64_t total);
  // A message of its own: ends any bar and prints the line.
  void message(const std::string& step, const std::string& text);
  // Ends the bar and writes the JSON events held back by the throttle.
  void finish();

 private:
  struct Step {
    uint64_t done = 0;
    uint64_t total = 0;
    TransferRate rate;
    int quarter_shown = -1;  // plain: the last quarter printed
    std::optional<TransferRate::Clock::time_point> json_written_at;
    std::string json_held;  // the newest JSON line the throttle held back
    bool finished() const { return total > 0 && done >= total; }
  };

  std::string node_;
  ProgressOutput output_;
  std::map<std::string, Step> steps_;
  std::string bar_step_;  // the step whose bar is open, if any
  bool bar_open_ = false;
  std::mutex mutex_;

  std::string amounts(const Step& step) const;
  std::string speed(const Step& step) const;
  void draw_bar(const std::string& name, const Step& step);
  void write_plain(const std::string& name, Step& step);
  void write_json_bytes(const std::string& name, Step& step, TransferRate::Clock::time_point now);
  void write_held_json();
  void end_bar();
  void write(const std::string& text);
};

}  // namespace bronze::ctl
