// A streamed upgrade's slot image, from the registry to the new installer:
// a thread fetches the payload layer (resuming a broken transfer with Range
// requests) and writes it into a FIFO that the installer reads as its
// standard input (`installer upgrade --payload -`). Nothing of the payload is
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

#include "installer_image/documents.h"
#include "registry/pull.h"

namespace bronze::machined {

class PayloadFeed {
 public:
  using Progress = std::function<void(uint64_t done, uint64_t total)>;
  using Note = std::function<void(const std::string& line)>;

  // Makes the FIFO at `fifo` and starts the thread, which waits for a reader.
  PayloadFeed(std::filesystem::path fifo, registry::Reference ref, registry::Endpoint endpoint,
              registry::PullOptions options, oci::Descriptor layer, Progress progress, Note note);
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
  registry::Reference ref_;
  registry::Endpoint endpoint_;
  registry::PullOptions options_;
  oci::Descriptor layer_;
  Progress progress_;
  Note note_;
  std::atomic<uint64_t> bytes_{0};
  std::string error_;
  std::thread thread_;
};

}  // namespace bronze::machined
