#include "cluster/etcd/lease_keep_alive.h"

#include <algorithm>

namespace bronze::etcd {

namespace {

// After a broken stream, the pause before opening the next: short, since
// the lease runs down meanwhile, but not a busy loop when no member answers.
constexpr std::chrono::milliseconds kRetryPause{250};

}  // namespace

LeaseKeepAlive::LeaseKeepAlive(Client& client, int64_t lease, std::chrono::milliseconds interval)
    : client_(client), lease_(lease), interval_(interval), thread_([this] { run(); }) {}

LeaseKeepAlive::~LeaseKeepAlive() { stop(); }

void LeaseKeepAlive::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (stream_) stream_->cancel();
  }
  stop_requested_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool LeaseKeepAlive::wait_for_stop(std::unique_lock<std::mutex>& lock, std::chrono::milliseconds delay) {
  return stop_requested_.wait_for(lock, delay, [this] { return stopping_; });
}

void LeaseKeepAlive::run() {
  // A stream lives for a few renewals and is then replaced: its deadline
  // bounds how long a member that stopped answering can hold a renewal.
  const std::chrono::milliseconds stream_lifetime = 3 * interval_ + client_.timeout();
  auto stream_ends = std::chrono::steady_clock::now();

  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (!stream_ || std::chrono::steady_clock::now() + client_.timeout() > stream_ends) {
      stream_.reset();
      lock.unlock();
      std::unique_ptr<KeepAliveStream> stream = client_.open_keep_alive_stream(stream_lifetime);
      lock.lock();
      if (stopping_) break;
      stream_ = std::move(stream);
      stream_ends = std::chrono::steady_clock::now() + stream_lifetime;
    }
    KeepAliveStream* stream = stream_.get();
    lock.unlock();
    std::optional<int64_t> ttl = stream->renew(lease_);
    lock.lock();
    if (!ttl) {
      stream_.reset();
      if (wait_for_stop(lock, std::min(kRetryPause, interval_))) break;
      continue;
    }
    if (*ttl <= 0) {
      lease_lost_ = true;
      break;
    }
    if (wait_for_stop(lock, interval_)) break;
  }
  stream_.reset();
}

}  // namespace bronze::etcd
