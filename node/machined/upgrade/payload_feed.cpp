#include "node/machined/upgrade/payload_feed.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/error.h"

namespace bronze::machined {

namespace fs = std::filesystem;

PayloadFeed::PayloadFeed(fs::path fifo, Source source, uint64_t total, Progress progress)
    : fifo_(std::move(fifo)), source_(std::move(source)), total_(total), progress_(std::move(progress)) {
  if (::mkfifo(fifo_.c_str(), 0600) != 0) throw_errno("cannot make the FIFO " + fifo_.string());
  thread_ = std::thread([this] { run(); });
}

PayloadFeed::~PayloadFeed() { finish(); }

std::string PayloadFeed::finish() {
  if (thread_.joinable()) {
    // A writer still blocked in open() (the installer never started) is
    // released by a reader that closes at once: its writes then fail.
    int fd = ::open(fifo_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    thread_.join();
    if (fd >= 0) ::close(fd);
  }
  return error_;
}

void PayloadFeed::run() {
  // A reader that goes away makes write() fail with EPIPE here instead of
  // killing machined with SIGPIPE.
  sigset_t pipe_signal;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);

  int fd = ::open(fifo_.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    error_ = "cannot open the FIFO " + fifo_.string() + ": " + std::string(strerror(errno));
    return;
  }
  // A 1 MiB pipe instead of 64 KiB: fewer switches between the two sides.
  // Only a hint: an unprivileged node with a lower pipe-max-size keeps 64 KiB.
  (void)::fcntl(fd, F_SETPIPE_SZ, 1 << 20);
  try {
    source_([&](std::string_view chunk) {
      while (!chunk.empty()) {
        ssize_t n = ::write(fd, chunk.data(), chunk.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw Error("the installer stopped reading the slot image");
        chunk.remove_prefix(static_cast<size_t>(n));
        bytes_ += static_cast<uint64_t>(n);
      }
      if (progress_) progress_(bytes_.load(), total_);
    });
  } catch (const std::exception& e) {
    error_ = e.what();
  }
  ::close(fd);
  // A SIGPIPE raised while blocked stays pending on this thread, which ends.
  struct timespec none {};
  while (sigtimedwait(&pipe_signal, nullptr, &none) > 0) {
  }
}

}  // namespace bronze::machined
