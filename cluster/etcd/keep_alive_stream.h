// One LeaseKeepAlive stream to one etcd endpoint. The stream has a deadline
// (its lifetime), so that a member that stops answering cannot block a
// renewal for longer than that.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace bronze::etcd {

class KeepAliveStream {
 public:
  virtual ~KeepAliveStream() = default;

  // Sends one renewal of `lease` and waits for etcd's answer: the renewed
  // TTL in seconds, 0 or less when the lease no longer exists; nullopt when
  // the stream broke (member down, lifetime over, cancelled).
  virtual std::optional<int64_t> renew(int64_t lease) = 0;
  // Makes a renew() in progress in another thread return nullopt.
  virtual void cancel() = 0;
  virtual const std::string& endpoint() const = 0;
};

}  // namespace bronze::etcd
