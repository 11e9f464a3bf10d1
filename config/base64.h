// Base64 as Talos writes certificates and keys into its config files: the
// standard alphabet, padded, on one line.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bronze::config {

std::string base64_encode(std::string_view data);

// Strict: standard alphabet, length a multiple of four, padding only at the
// end, no whitespace. Anything else is nullopt, so that a config file that
// was mangled in transit is refused rather than half-read.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace bronze::config
