#include "bronzectl/progress_line.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "bronzectl/progress_text.h"

namespace bronze::ctl {
namespace {

constexpr uint64_t kBarWidth = 20;
// Clears what a longer line drawn before left to the right of this one.
constexpr const char* kClearToEndOfLine = "\x1b[K";

// The node's messages carry whatever its installer printed: bytes that are
// not UTF-8 are replaced rather than failing the upgrade's report.
std::string json_line(const nlohmann::ordered_json& object) {
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

nlohmann::ordered_json whole_or_null(std::optional<double> value) {
  if (!value) return nullptr;
  return std::llround(*value);
}

}  // namespace

ProgressMode progress_mode(bool json, bool terminal) {
  if (json) return ProgressMode::json;
  return terminal ? ProgressMode::bar : ProgressMode::plain;
}

ProgressLine::ProgressLine(std::string node, ProgressOutput output)
    : node_(std::move(node)), output_(std::move(output)) {}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::bytes(const std::string& name, uint64_t done, uint64_t total) {
  std::lock_guard lock(mutex_);
  auto now = output_.clock();
  auto found = steps_.find(name);
  if (found == steps_.end() || done < found->second.done || total != found->second.total) {
    // The held line of a step that starts over is the last of its run before.
    if (found != steps_.end() && !found->second.json_held.empty()) write(found->second.json_held);
    Step fresh;
    fresh.total = total;
    found = steps_.insert_or_assign(name, std::move(fresh)).first;
  } else if (found->second.finished() && done == found->second.done) {
    return;  // the step's end again (a node may repeat it with its summary): shown already
  }
  Step& step = found->second;
  step.done = done;
  step.rate.add(now, done);
  switch (output_.mode) {
    case ProgressMode::bar: draw_bar(name, step); break;
    case ProgressMode::plain: write_plain(name, step); break;
    case ProgressMode::json: write_json_bytes(name, step, now); break;
  }
}

void ProgressLine::message(const std::string& step, const std::string& text) {
  std::lock_guard lock(mutex_);
  // What the throttle held back happened before this message.
  write_held_json();
  end_bar();
  if (output_.mode == ProgressMode::json) write(json_line({{"node", node_}, {"step", step}, {"message", text}}));
  else write(node_ + ": " + step + ": " + text + "\n");
}

void ProgressLine::finish() {
  std::lock_guard lock(mutex_);
  write_held_json();
  end_bar();
}

std::string ProgressLine::amounts(const Step& step) const {
  return format_bytes(step.done) + " / " + (step.total ? format_bytes(step.total) : "?");
}

std::string ProgressLine::speed(const Step& step) const {
  if (step.finished()) {
    auto average = step.rate.average_bytes_per_second();
    return "  done in " + format_duration(step.rate.elapsed_seconds()) +
           (average ? "  avg " + format_rate(*average) : "");
  }
  std::string text;
  if (auto rate = step.rate.bytes_per_second()) text += "  " + format_rate(*rate);
  if (auto left = step.total ? step.rate.seconds_left(step.total) : std::nullopt) {
    text += "  ETA " + format_duration(*left);
  }
  return text;
}

void ProgressLine::draw_bar(const std::string& name, const Step& step) {
  uint64_t filled = step.total ? std::min(step.done, step.total) * kBarWidth / step.total : 0;
  std::string bar(filled, '#');
  bar.resize(kBarWidth, ' ');
  char label[64];
  std::snprintf(label, sizeof label, "%-8s", name.c_str());
  // Another step's bar stays on its line as it was last drawn.
  std::string text = bar_open_ && bar_step_ != name ? "\n" : "";
  text += "\r" + node_ + ": " + label + " [" + bar + "] " + amounts(step) + speed(step) + kClearToEndOfLine;
  if (step.finished()) text += "\n";
  write(text);
  bar_open_ = !step.finished();
  bar_step_ = name;
}

void ProgressLine::write_plain(const std::string& name, Step& step) {
  int quarter = step.total ? static_cast<int>(std::min(step.done, step.total) * 4 / step.total) : 0;
  if (quarter == step.quarter_shown) return;
  step.quarter_shown = quarter;
  write(node_ + ": " + name + " " + amounts(step) + speed(step) + "\n");
}

void ProgressLine::write_json_bytes(const std::string& name, Step& step, TransferRate::Clock::time_point now) {
  std::optional<double> left = step.total ? step.rate.seconds_left(step.total) : std::nullopt;
  std::string line = json_line({{"node", node_},
                                {"step", name},
                                {"done", step.done},
                                {"total", step.total},
                                {"rate", whole_or_null(step.rate.bytes_per_second())},
                                {"eta_seconds", whole_or_null(left)}});
  bool due = !step.json_written_at || step.finished() || now - *step.json_written_at >= kJsonInterval;
  if (!due) {
    step.json_held = std::move(line);
    return;
  }
  write(line);
  step.json_written_at = now;
  step.json_held.clear();
}

void ProgressLine::write_held_json() {
  for (auto& [name, step] : steps_) {
    if (step.json_held.empty()) continue;
    write(step.json_held);
    step.json_held.clear();
  }
}

void ProgressLine::end_bar() {
  if (bar_open_) write("\n");
  bar_open_ = false;
}

// One call per line: nodes upgraded side by side share the stream, and stdio
// keeps a single call's text together.
void ProgressLine::write(const std::string& text) {
  std::fputs(text.c_str(), output_.file);
  std::fflush(output_.file);
}

}  // namespace bronze::ctl
