// Shared secrets a node checks a caller against: the cluster's join token
// (machine.token, which a worker shows the control plane's trustd to get
// its serving certificate, as with Talos) and the maintenance token.
#pragma once

#include <string>
#include <string_view>

namespace bronze::config {

// Talos's token format: 6 lower-case letters or digits, a dot, 16 more,
// e.g. "abcdef.0123456789abcdef" (about 114 random bits).
inline constexpr std::string_view kJoinTokenExample = "abcdef.0123456789abcdef";

// A fresh join token from OpenSSL's RAND_bytes, every character drawn
// uniformly from [a-z0-9].
std::string generate_join_token();
bool is_join_token(std::string_view text);

// Whether two secrets are equal, in a time that depends neither on where
// they differ nor on their lengths (both are hashed with SHA-256 first, and
// the digests compared with CRYPTO_memcmp).
bool secrets_equal(std::string_view a, std::string_view b);

}  // namespace bronze::config
