#include "node/network/time_sync.h"

#include <netdb.h>
#include <openssl/rand.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <algorithm>

#include "base/error.h"

namespace bronze::network {

namespace {

constexpr auto kQueryTimeout = std::chrono::seconds(2);
constexpr auto kFirstRetryMax = std::chrono::seconds(64);
constexpr auto kPollInterval = std::chrono::minutes(10);

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

std::string numeric_host(const sockaddr* address, socklen_t length) {
  char host[NI_MAXHOST] = {};
  if (::getnameinfo(address, length, host, sizeof host, nullptr, 0, NI_NUMERICHOST) != 0) return "?";
  return host;
}

NtpTimestamp random_cookie() {
  NtpTimestamp cookie;
  unsigned char bytes[8];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw Error("no random bytes for the NTP request");
  std::memcpy(&cookie.seconds, bytes, 4);
  std::memcpy(&cookie.fraction, bytes + 4, 4);
  return cookie;
}

// One request to one address; the sample, or an Error saying why not.
ServerSample ask(const addrinfo& address, const ClockControl& clock, std::chrono::milliseconds timeout) {
  Socket socket(::socket(address.ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (socket.fd() < 0) throw Error(std::string("cannot open a UDP socket: ") + std::strerror(errno));
  // connect: the kernel then passes up only datagrams from this address.
  if (::connect(socket.fd(), address.ai_addr, address.ai_addrlen) != 0) {
    throw Error(std::string("cannot reach it: ") + std::strerror(errno));
  }
  NtpTimestamp cookie = random_cookie();
  auto request = make_request(cookie);
  double sent = clock.now();
  if (::send(socket.fd(), request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) {
    throw Error(std::string("cannot send to it: ") + std::strerror(errno));
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string ignored;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw Error("no answer within " + std::to_string(timeout.count()) + " ms" + ignored);
    pollfd ready{socket.fd(), POLLIN, 0};
    int polled = ::poll(&ready, 1, static_cast<int>(left.count()));
    if (polled < 0 && errno != EINTR) throw Error(std::string("poll: ") + std::strerror(errno));
    if (polled <= 0) continue;
    uint8_t reply[512];
    ssize_t got = ::recv(socket.fd(), reply, sizeof reply, 0);
    double arrived = clock.now();
    if (got < 0) {
      // An ICMP port unreachable comes back as ECONNREFUSED.
      if (errno == EINTR) continue;
      throw Error(std::string("cannot receive from it: ") + std::strerror(errno));
    }
    try {
      auto times = parse_reply({reply, static_cast<size_t>(got)}, cookie);
      ServerSample sample;
      sample.address = numeric_host(address.ai_addr, address.ai_addrlen);
      sample.stratum = times.stratum;
      sample.sample = sample_of(sent, times, arrived);
      return sample;
    } catch (const ForeignReply&) {
      // Someone else's reply (or a forged one) must not end the wait; any
      // other refusal is the server's answer, and final.
      ignored = " (a reply that did not answer our request was ignored)";
    }
  }
}

std::string signed_seconds(double seconds) {
  char text[64];
  std::snprintf(text, sizeof text, "%+.3f s", seconds);
  return text;
}

std::string utc_text(double unix_seconds) {
  std::time_t whole = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::gmtime_r(&whole, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace

ClockControl system_clock() {
  ClockControl clock;
  clock.now = [] {
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
  };
  clock.step = [now = clock.now](double offset) {
    double target = now() + offset;
    timespec set{};
    set.tv_sec = static_cast<time_t>(std::floor(target));
    set.tv_nsec = static_cast<long>((target - std::floor(target)) * 1e9);
    if (::clock_settime(CLOCK_REALTIME, &set) != 0) throw Error(std::string("clock_settime: ") + std::strerror(errno));
  };
  clock.slew = [](double offset) {
    timeval delta{};
    delta.tv_sec = static_cast<time_t>(std::trunc(offset));
    delta.tv_usec = static_cast<suseconds_t>((offset - std::trunc(offset)) * 1e6);
    if (::adjtime(&delta, nullptr) != 0) throw Error(std::string("adjtime: ") + std::strerror(errno));
  };
  return clock;
}

ServerSample query_time_server(const std::string& server, const ClockControl& clock, std::chrono::milliseconds timeout,
                               uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  int resolved = ::getaddrinfo(server.c_str(), service.c_str(), &hints, &found);
  if (resolved != 0) throw Error("NTP server " + server + ": cannot resolve it: " + ::gai_strerror(resolved));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, ::freeaddrinfo);
  std::string failures;
  for (const addrinfo* address = found; address != nullptr; address = address->ai_next) {
    try {
      ServerSample sample = ask(*address, clock, timeout);
      sample.server = server;
      return sample;
    } catch (const Error& e) {
      failures += (failures.empty() ? "" : "; ") + numeric_host(address->ai_addr, address->ai_addrlen) + ": " + e.what();
    }
  }
  throw Error("NTP server " + server + ": " + failures);
}

TimeSync::TimeSync(std::vector<std::string> servers, ClockControl clock, std::function<void(const std::string&)> say,
                   uint16_t port)
    : servers_(std::move(servers)), clock_(std::move(clock)), say_(std::move(say)), port_(port) {}

TimeSync::~TimeSync() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TimeSync::start() { thread_ = std::thread([this] { run(); }); }

bool TimeSync::synced() const {
  std::lock_guard lock(mutex_);
  return synced_;
}

bool TimeSync::wait_synced(std::chrono::milliseconds timeout, const std::function<void()>& tick) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  while (!synced_) {
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    changed_.wait_for(lock, std::min<std::chrono::steady_clock::duration>(deadline - now, std::chrono::seconds(1)));
    if (tick) {
      lock.unlock();
      tick();
      lock.lock();
    }
  }
  return true;
}

bool TimeSync::sync_once(bool first) {
  std::string failures;
  for (const auto& server : servers_) {
    try {
      ServerSample got = query_time_server(server, clock_, kQueryTimeout, port_);
      double offset = got.sample.offset_seconds;
      std::string from = "; server " + got.server + (got.address == got.server ? "" : " (" + got.address + ")") +
                         ", stratum " + std::to_string(got.stratum) + ", round trip " +
                         std::to_string(static_cast<int>(std::lround(got.sample.delay_seconds * 1000))) + " ms";
      if (std::fabs(offset) > kStepThresholdSeconds) {
        double before = clock_.now();
        clock_.step(offset);
        say_("time: stepped the clock by " + signed_seconds(offset) + ", from " + utc_text(before) + " to " +
             utc_text(before + offset) + from);
      } else {
        clock_.slew(offset);
        if (first) say_("time: in sync, off by " + signed_seconds(offset) + from);
      }
      failures_in_a_row_ = 0;
      return true;
    } catch (const std::exception& e) {
      failures += (failures.empty() ? "" : "; ") + std::string(e.what());
    }
  }
  // Said on the 1st, 2nd, 4th, 8th... failure in a row, so that a node
  // with no reachable server does not fill its log.
  ++failures_in_a_row_;
  if ((failures_in_a_row_ & (failures_in_a_row_ - 1)) == 0) {
    say_("time: no NTP server answered (" + std::to_string(failures_in_a_row_) + " attempts so far): " + failures);
  }
  return false;
}

void TimeSync::run() {
  auto retry = std::chrono::seconds(1);
  bool first = true;
  while (true) {
    bool ok = sync_once(first);
    std::chrono::seconds wait = kPollInterval;
    if (ok && first) {
      first = false;
      std::lock_guard lock(mutex_);
      synced_ = true;
      changed_.notify_all();
    } else if (!ok && first) {
      wait = retry;
      retry = std::min<std::chrono::seconds>(retry * 2, kFirstRetryMax);
    }
    std::unique_lock lock(mutex_);
    if (changed_.wait_for(lock, wait, [this] { return stopping_; })) return;
  }
}

}  // namespace bronze::network
