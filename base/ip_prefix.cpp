#include "base/ip_prefix.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace bronze {

size_t IpAddress::size() const { return family == AF_INET ? 4 : 16; }

std::string IpAddress::text() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  if (::inet_ntop(family, bytes.data(), buffer, sizeof buffer) == nullptr) return "?";
  return buffer;
}

std::string IpPrefix::text() const { return address.text() + "/" + std::to_string(length); }

IpPrefix IpPrefix::network() const {
  IpPrefix net = *this;
  for (size_t i = 0; i < address.size(); ++i) {
    int bits_kept = std::clamp(length - static_cast<int>(i) * 8, 0, 8);
    net.address.bytes[i] &= static_cast<unsigned char>(0xff00 >> bits_kept);
  }
  return net;
}

std::optional<IpAddress> parse_ip_address(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  std::string copy(text);  // inet_pton needs a terminated string
  IpAddress address;
  for (int family : {AF_INET, AF_INET6}) {
    if (::inet_pton(family, copy.c_str(), address.bytes.data()) == 1) {
      address.family = family;
      return address;
    }
  }
  return std::nullopt;
}

std::optional<IpPrefix> parse_ip_prefix(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto address = parse_ip_address(text.substr(0, slash));
  if (!address) return std::nullopt;
  std::string_view length_text = text.substr(slash + 1);
  int length = -1;
  auto [end, error] = std::from_chars(length_text.data(), length_text.data() + length_text.size(), length);
  if (error != std::errc() || end != length_text.data() + length_text.size() || length_text.size() > 3) {
    return std::nullopt;
  }
  if (length < 0 || length > static_cast<int>(address->size()) * 8) return std::nullopt;
  return IpPrefix{*address, length};
}

std::optional<int> netmask_length(std::string_view mask) {
  auto parsed = parse_ip_address(mask);
  if (!parsed) return std::nullopt;
  int length = 0;
  bool zeros = false;
  for (size_t i = 0; i < parsed->size(); ++i) {
    for (int bit = 7; bit >= 0; --bit) {
      bool one = (parsed->bytes[i] >> bit) & 1;
      if (one && zeros) return std::nullopt;
      length += one;
      zeros = zeros || !one;
    }
  }
  return length;
}

}  // namespace bronze
