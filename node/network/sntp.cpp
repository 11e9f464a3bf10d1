#include "node/network/sntp.h"

#include <algorithm>
#include <cmath>

#include "base/error.h"

namespace bronze::network {

namespace {

// 1900-01-01 to 1970-01-01.
constexpr double kNtpToUnix = 2208988800.0;
constexpr double kEra = 4294967296.0;
constexpr int kModeClient = 3;
constexpr int kModeServer = 4;
constexpr int kLeapUnsynchronised = 3;

uint32_t read_u32(std::span<const uint8_t> bytes, size_t at) {
  return (uint32_t{bytes[at]} << 24) | (uint32_t{bytes[at + 1]} << 16) | (uint32_t{bytes[at + 2]} << 8) |
         uint32_t{bytes[at + 3]};
}

void write_u32(std::array<uint8_t, kNtpPacketSize>& bytes, size_t at, uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<uint8_t>(value >> (24 - 8 * i));
}

NtpTimestamp read_timestamp(std::span<const uint8_t> bytes, size_t at) { return {read_u32(bytes, at), read_u32(bytes, at + 4)}; }

}  // namespace

NtpTimestamp to_ntp(double unix_seconds) {
  double ntp = unix_seconds + kNtpToUnix;
  double whole = std::floor(ntp);
  double fraction = std::floor((ntp - whole) * kEra);
  return {static_cast<uint32_t>(std::fmod(whole, kEra)), static_cast<uint32_t>(std::min(fraction, kEra - 1))};
}

double to_unix(NtpTimestamp timestamp) {
  double seconds = timestamp.seconds;
  if (timestamp.seconds < 0x80000000u) seconds += kEra;
  return seconds - kNtpToUnix + timestamp.fraction / kEra;
}

std::array<uint8_t, kNtpPacketSize> make_request(NtpTimestamp cookie) {
  std::array<uint8_t, kNtpPacketSize> request{};
  request[0] = (0 << 6) | (4 << 3) | kModeClient;  // no leap warning, version 4, client
  write_u32(request, 40, cookie.seconds);
  write_u32(request, 44, cookie.fraction);
  return request;
}

ServerTimes parse_reply(std::span<const uint8_t> reply, NtpTimestamp cookie) {
  // 48 bytes, or more with extension fields or a MAC, which we do not use.
  if (reply.size() < kNtpPacketSize) {
    throw Error("the NTP reply has " + std::to_string(reply.size()) + " bytes, fewer than the 48 of a packet");
  }
  int leap = reply[0] >> 6;
  int version = (reply[0] >> 3) & 7;
  int mode = reply[0] & 7;
  int stratum = reply[1];
  if (mode != kModeServer) throw Error("the NTP reply is not a server's (mode " + std::to_string(mode) + ", not 4)");
  if (version < 3 || version > 4) throw Error("the NTP reply has version " + std::to_string(version) + " (3 or 4 expected)");
  if (stratum == 0) {
    // A kiss-o'-death: the reference ID says why (RATE, DENY, RSTR...).
    std::string code(reply.begin() + 12, reply.begin() + 16);
    for (char& c : code) {
      if (c < 0x20 || c > 0x7e) c = '?';
    }
    throw Error("the NTP server refuses to serve (kiss code " + code + ")");
  }
  if (stratum > 15) throw Error("the NTP server is not synchronised (stratum " + std::to_string(stratum) + ")");
  if (leap == kLeapUnsynchronised) throw Error("the NTP server says its clock is not synchronised");
  if (!(read_timestamp(reply, 24) == cookie)) {
    throw ForeignReply("the NTP reply does not answer our request (its origin timestamp is not ours)");
  }
  ServerTimes times;
  times.received = read_timestamp(reply, 32);
  times.transmitted = read_timestamp(reply, 40);
  times.stratum = stratum;
  if (times.transmitted == NtpTimestamp{}) throw Error("the NTP reply has no transmit timestamp");
  return times;
}

ClockSample sample_of(double sent, const ServerTimes& server, double arrived) {
  double t2 = to_unix(server.received);
  double t3 = to_unix(server.transmitted);
  ClockSample sample;
  sample.offset_seconds = ((t2 - sent) + (t3 - arrived)) / 2;
  sample.delay_seconds = (arrived - sent) - (t3 - t2);
  return sample;
}

}  // namespace bronze::network
