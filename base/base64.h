// Base64 through OpenSSL's EVP block encoder: the standard alphabet, padded,
// on one line, as Talos writes certificates into its config files and cosign
// writes signatures into annotations.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bronze {

std::string base64_encode(std::string_view data);

// Strict: standard alphabet, length a multiple of four, padding only at the
// end, no whitespace, unused bits zero. Anything else is nullopt, so that a
// value mangled in transit is refused rather than half-read.
std::optional<std::string> base64_decode(std::string_view text);

// The same, for base64 wrapped over lines as platforms write it (Azure's
// CustomData, an OVF property): whitespace is dropped first.
std::optional<std::string> base64_decode_wrapped(std::string_view text);

}  // namespace bronze
