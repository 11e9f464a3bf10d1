// Keeps one etcd lease alive from a background thread: a renewal every
// `interval` over a LeaseKeepAlive stream, reopened (on the next endpoint)
// when it breaks. Stops on stop() or destruction, or by itself once etcd
// says the lease is gone. The Client must outlive it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "cluster/etcd/client.h"

namespace bronze::etcd {

class LeaseKeepAlive {
 public:
  LeaseKeepAlive(Client& client, int64_t lease, std::chrono::milliseconds interval);
  ~LeaseKeepAlive();
  LeaseKeepAlive(const LeaseKeepAlive&) = delete;
  LeaseKeepAlive& operator=(const LeaseKeepAlive&) = delete;

  // Returns once the thread has ended; a renewal in flight is cancelled.
  void stop();
  // True once etcd answered that the lease no longer exists.
  bool lease_lost() const { return lease_lost_; }
  int64_t lease() const { return lease_; }

 private:
  void run();
  // Waits up to `delay` for stop(); true when stopping.
  bool wait_for_stop(std::unique_lock<std::mutex>& lock, std::chrono::milliseconds delay);

  Client& client_;
  const int64_t lease_;
  const std::chrono::milliseconds interval_;
  std::atomic<bool> lease_lost_{false};

  std::mutex mutex_;
  std::condition_variable stop_requested_;
  bool stopping_ = false;
  // Guarded by mutex_ so that stop() can cancel it while run() waits on it.
  std::unique_ptr<KeepAliveStream> stream_;
  std::thread thread_;
};

}  // namespace bronze::etcd
