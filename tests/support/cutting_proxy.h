// A TCP relay on 127.0.0.1 between a client and a server (a registry) that
// breaks connections at chosen points, as a flaky network does: the k-th
// cut closes, in both directions, the connection whose server-to-client
// bytes pass cuts[k] (counted per connection). Once the cuts are used up it
// relays faithfully. Its threads end with it; nothing it does outlives the test.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bronze::test {

class CuttingProxy {
 public:
  CuttingProxy(uint16_t upstream_port, std::vector<uint64_t> cuts);
  ~CuttingProxy();
  CuttingProxy(const CuttingProxy&) = delete;
  CuttingProxy& operator=(const CuttingProxy&) = delete;

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  int cuts_done() const { return cuts_done_.load(); }

 private:
  void accept_loop();
  void relay(int client);
  // The byte count at which a connection is cut, or 0 for none, taken once
  // the connection passes it.
  bool take_cut(uint64_t bytes);

  uint16_t upstream_port_;
  uint16_t port_ = 0;
  int listener_ = -1;
  int stop_pipe_[2] = {-1, -1};
  std::mutex mutex_;
  std::vector<uint64_t> cuts_;
  std::atomic<int> cuts_done_{0};
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace bronze::test
