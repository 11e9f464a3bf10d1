// Progress of long work: one line per stage with its duration, on stderr so
// that --json output on stdout stays machine-readable. On a terminal the
// running stage is shown first and completed in place.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace bronze {

class Progress {
 public:
  explicit Progress(bool enabled = true);
  // A stage still running (the work failed) ends its line, so that the error
  // printed next starts on its own.
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Starts a stage; the previous one, if any, ends.
  void stage(const std::string& name);
  // Ends the running stage.
  void done();
  // A line of information between stages (shown unless disabled).
  void note(const std::string& line);

  struct Timing {
    std::string name;
    double seconds;
  };
  const std::vector<Timing>& timings() const { return timings_; }

 private:
  bool enabled_;
  bool tty_;
  std::string current_;
  std::chrono::steady_clock::time_point started_;
  std::vector<Timing> timings_;
};

}  // namespace bronze
