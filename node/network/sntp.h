// The NTP packet of a client (RFC 5905, the SNTP subset of RFC 4330): one
// 48-byte request, one 48-byte reply. Only what is ours to decide: the
// reply must answer our request (its origin timestamp is our transmit
// timestamp, random as RFC 9109 asks, so that an off-path sender cannot
// guess it), come from a
// synchronised server, and give the times the clock offset is made of.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "base/error.h"

namespace bronze::network {

inline constexpr size_t kNtpPacketSize = 48;
inline constexpr uint16_t kNtpPort = 123;

// Seconds and 2^-32 fractions since 1900 (era 0; era 1 begins in 2036).
struct NtpTimestamp {
  uint32_t seconds = 0;
  uint32_t fraction = 0;
  bool operator==(const NtpTimestamp&) const = default;
};

// Unix time (seconds, as a double) <-> NTP timestamps. A timestamp whose
// seconds are below 2^31 is taken to be in era 1 (after 2036-02-07).
NtpTimestamp to_ntp(double unix_seconds);
double to_unix(NtpTimestamp timestamp);

// A client request (version 4, mode 3) whose transmit timestamp is
// `cookie`: random, not the local time, which may be years off and which a
// reply must echo.
std::array<uint8_t, kNtpPacketSize> make_request(NtpTimestamp cookie);

struct ServerTimes {
  NtpTimestamp received;     // T2: when the server got the request
  NtpTimestamp transmitted;  // T3: when it sent the reply
  int stratum = 0;
};

// parse_reply's refusal of a reply that does not carry our cookie: someone
// else's, or a forgery. The client keeps waiting for its own.
class ForeignReply : public Error {
 public:
  using Error::Error;
};

// Checks that `reply` answers the request that carried `cookie` and returns the
// server's times; throws bronze::Error naming what is wrong (its size, its
// mode, a kiss-o'-death, an unsynchronised server), ForeignReply for another
// request's reply.
ServerTimes parse_reply(std::span<const uint8_t> reply, NtpTimestamp cookie);

struct ClockSample {
  double offset_seconds = 0;  // add this to the local clock
  double delay_seconds = 0;   // the round trip, less the server's time
};

// RFC 5905's on-wire arithmetic, from T1 (sent), T2 and T3 (the server's),
// and T4 (when the reply arrived), all as Unix seconds.
ClockSample sample_of(double sent, const ServerTimes& server, double arrived);

}  // namespace bronze::network
