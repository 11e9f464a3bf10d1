// The hardware watchdog: init arms it before anything else (so that a hang
// anywhere after that resets the machine, and GRUB can fall back), passes the
// open device to machined, and machined keeps feeding it.
#pragma once

namespace bronze::machined {

// The environment variable through which init hands over the descriptor.
constexpr const char* kWatchdogFdVariable = "BRONZE_WATCHDOG_FD";

class Watchdog {
 public:
  // Takes the descriptor init passed; none when init found no watchdog.
  static Watchdog from_environment();
  bool armed() const { return fd_ >= 0; }
  int timeout_seconds() const { return timeout_; }
  void feed() const;

 private:
  int fd_ = -1;
  int timeout_ = 0;
};

}  // namespace bronze::machined
