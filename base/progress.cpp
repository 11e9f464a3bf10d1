#include "base/progress.h"

#include <unistd.h>

#include <cstdio>

namespace bronze {

Progress::Progress(bool enabled) : enabled_(enabled), tty_(::isatty(2) == 1) {}

Progress::~Progress() {
  if (enabled_ && tty_ && !current_.empty()) std::fprintf(stderr, " failed\n");
}

void Progress::stage(const std::string& name) {
  done();
  current_ = name;
  started_ = std::chrono::steady_clock::now();
  if (enabled_ && tty_) {
    std::fprintf(stderr, "  %-22s ...", name.c_str());
    std::fflush(stderr);
  }
}

void Progress::note(const std::string& line) {
  if (!enabled_) return;
  if (tty_ && !current_.empty()) std::fprintf(stderr, "\n");
  std::fprintf(stderr, "  %s\n", line.c_str());
  if (tty_ && !current_.empty()) std::fprintf(stderr, "  %-22s ...", current_.c_str());
}

void Progress::done() {
  if (current_.empty()) return;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  timings_.push_back({current_, seconds});
  if (enabled_) {
    if (tty_) std::fprintf(stderr, "\r");
    std::fprintf(stderr, "  %-22s %7.2f s\n", current_.c_str(), seconds);
  }
  current_.clear();
}

}  // namespace bronze
