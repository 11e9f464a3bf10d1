#include "bronzectl/progress_line.h"

#include <unistd.h>

#include <cstdio>

namespace bronze::ctl {

std::string format_bytes(uint64_t bytes) {
  char text[32];
  if (bytes >= (1u << 20)) std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  else std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024);
  return text;
}

ProgressLine::ProgressLine(std::string node, bool enabled)
    : node_(std::move(node)), enabled_(enabled), tty_(::isatty(STDERR_FILENO) == 1) {}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::bytes(const std::string& step, uint64_t done, uint64_t total) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  if (tty_) {
    constexpr int kWidth = 30;
    int filled = total ? static_cast<int>(static_cast<double>(done) / static_cast<double>(total) * kWidth) : 0;
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(kWidth, ' ');
    std::fprintf(stderr, "\r%s: %-8s [%s] %s / %s", node_.c_str(), step.c_str(), bar.c_str(), format_bytes(done).c_str(),
                 total ? format_bytes(total).c_str() : "?");
    bar_open_ = true;
  } else {
    int quarter = total ? static_cast<int>(done * 4 / total) : 0;
    auto [seen, first] = last_quarter_.try_emplace(step, quarter);
    if (!first && seen->second == quarter) return;
    seen->second = quarter;
    std::fprintf(stderr, "%s: %s %s / %s\n", node_.c_str(), step.c_str(), format_bytes(done).c_str(),
                 total ? format_bytes(total).c_str() : "?");
  }
  std::fflush(stderr);
}

void ProgressLine::message(const std::string& step, const std::string& text) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  end_bar();
  std::fprintf(stderr, "%s: %s: %s\n", node_.c_str(), step.c_str(), text.c_str());
  std::fflush(stderr);
}

void ProgressLine::finish() {
  std::lock_guard lock(mutex_);
  end_bar();
}

void ProgressLine::end_bar() {
  if (bar_open_) std::fprintf(stderr, "\n");
  bar_open_ = false;
}

}  // namespace bronze::ctl
