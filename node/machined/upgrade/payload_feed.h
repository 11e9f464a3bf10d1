// A streamed upgrade's slot image, from the registry to the new installer:
// a thread runs the image's source (slot_image_source.h: the whole layer,
// or a delta built from the active slot and fetched chunks) and writes what
// it yields into a FIFO that the installer reads as its standard input
// (`installer upgrade --payload -`). Nothing of the payload is
// kept on the node: memory is the HTTP client's buffers and the pipe's, the
// same for an image of any size. The installer checks the bytes' size and
// digest against the signed manifest before it makes the slot bootable.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "node/machined/upgrade/slot_image_source.h"

namespace bronze::machined {

class PayloadFeed {
 public:
  using Progress = std::function<void(uint64_t done, uint64_t total)>;
  // Yields the image's bytes, in order, to the sink it is given.
  using Source = std::function<void(const Sink& sink)>;

  // Makes the FIFO at `fifo` and starts the thread, which waits for a reader.
  PayloadFeed(std::filesystem::path fifo, Source source, uint64_t total, Progress progress);
  // Ends the thread: a writer still waiting for its reader is released.
  ~PayloadFeed();
  PayloadFeed(const PayloadFeed&) = delete;
  PayloadFeed& operator=(const PayloadFeed&) = delete;

  const std::filesystem::path& fifo() const { return fifo_; }
  // Waits for the thread; what failed on its side ("" when all bytes went),
  // for the message when the installer failed too.
  std::string finish();
  uint64_t bytes() const { return bytes_.load(); }

 private:
  void run();

  std::filesystem::path fifo_;
  Source source_;
  uint64_t total_;
  Progress progress_;
  std::atomic<uint64_t> bytes_{0};
  std::string error_;
  std::thread thread_;
};

}  // namespace bronze::machined
