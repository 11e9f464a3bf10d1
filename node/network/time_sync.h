// Keeps the node's clock right with NTP, as Talos's timed does: boards
// and VMs without a battery-backed clock boot years off, and every
// certificate check (mutual TLS, the registry, etcd) then fails.
//
// One thread: the first sync retried with backoff (1 s up to 64 s), then a
// sync every 10 minutes. An offset beyond 128 ms steps the clock (ntpd's
// step threshold); a smaller one is slewed with adjtime. The boot may wait
// for the first sync (wait_synced) before it makes certificates.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "node/network/sntp.h"

namespace bronze::network {

struct ServerSample {
  std::string server;   // as configured
  std::string address;  // what it resolved to
  int stratum = 0;
  ClockSample sample;
};

// The clock as the sync sees it; tests give their own, so that no test
// moves the host's clock.
struct ClockControl {
  std::function<double()> now;             // Unix seconds
  std::function<void(double offset)> step;  // jump by offset seconds
  std::function<void(double offset)> slew;  // drift towards it
};
ClockControl system_clock();

// Asks one server (a name or an address) once, through each address it
// resolves to until one answers; throws bronze::Error naming the server and
// what failed. A reply that does not carry our cookie is ignored, not
// believed: the wait goes on until `timeout`.
ServerSample query_time_server(const std::string& server, const ClockControl& clock, std::chrono::milliseconds timeout,
                               uint16_t port = kNtpPort);

inline constexpr double kStepThresholdSeconds = 0.128;

class TimeSync {
 public:
  TimeSync(std::vector<std::string> servers, ClockControl clock, std::function<void(const std::string&)> say,
           uint16_t port = kNtpPort);
  ~TimeSync();
  TimeSync(const TimeSync&) = delete;
  TimeSync& operator=(const TimeSync&) = delete;

  void start();
  // Until the first sync or `timeout`, calling `tick` about once a second
  // (the watchdog); true when the clock was synced.
  bool wait_synced(std::chrono::milliseconds timeout, const std::function<void()>& tick = {});
  bool synced() const;

 private:
  void run();
  bool sync_once(bool first);

  std::vector<std::string> servers_;
  ClockControl clock_;
  std::function<void(const std::string&)> say_;
  uint16_t port_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool synced_ = false;
  uint64_t failures_in_a_row_ = 0;  // the sync thread's own
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace bronze::network
