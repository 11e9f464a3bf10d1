// IP addresses and prefixes as a machine config writes them ("10.0.2.50",
// "10.0.2.50/24", "fd00::1/64"), parsed with inet_pton so that what the
// config accepts is exactly what the kernel will be given.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bronze {

struct IpAddress {
  int family = 0;  // AF_INET or AF_INET6
  std::array<unsigned char, 16> bytes{};
  size_t size() const;  // 4 or 16
  std::string text() const;
  bool operator==(const IpAddress&) const = default;
};

struct IpPrefix {
  IpAddress address;
  int length = 0;  // 0..32 or 0..128
  std::string text() const;  // "10.0.2.50/24"
  // The network this prefix is in: its address with the host bits cleared.
  IpPrefix network() const;
  bool operator==(const IpPrefix&) const = default;
};

std::optional<IpAddress> parse_ip_address(std::string_view text);
// "ADDRESS/LENGTH"; the length is required (a bare address is ambiguous).
std::optional<IpPrefix> parse_ip_prefix(std::string_view text);

// The prefix length a netmask means ("255.255.255.0": 24,
// "ffff:ffff:ffff:ffff::": 64); nullopt when it is not an address or its
// ones are not contiguous. Platforms' metadata writes masks; the kernel
// takes lengths.
std::optional<int> netmask_length(std::string_view mask);

}  // namespace bronze
