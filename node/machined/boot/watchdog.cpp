#include "node/machined/boot/watchdog.h"

#include <linux/watchdog.h>
#include <sys/ioctl.h>

#include <cstdlib>

namespace bronze::machined {

Watchdog Watchdog::from_environment() {
  Watchdog w;
  const char* value = std::getenv(kWatchdogFdVariable);
  if (!value || !*value) return w;
  w.fd_ = std::atoi(value);
  if (::ioctl(w.fd_, WDIOC_GETTIMEOUT, &w.timeout_) != 0) w.timeout_ = 0;
  return w;
}

void Watchdog::feed() const {
  if (fd_ >= 0) ::ioctl(fd_, WDIOC_KEEPALIVE, 0);
}

}  // namespace bronze::machined
