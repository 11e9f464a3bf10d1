#include "pki/fingerprint.h"

#include <cctype>

#include "base/error.h"

namespace bronze::config {

namespace {

constexpr size_t kDigits = 64;
constexpr std::string_view kOpensslPrefix = "sha256 fingerprint=";

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (lower(text[i]) != prefix[i]) return false;
  }
  return true;
}

[[noreturn]] void refuse() {
  throw Error("a certificate fingerprint is SHA-256 as 64 hex digits, either plain (ab01...) or in pairs with "
              "colons as `openssl x509 -noout -fingerprint -sha256` prints it (AB:01:...)");
}

}  // namespace

std::string colon_fingerprint(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i < hex.size(); ++i) {
    if (i > 0 && i % 2 == 0) out.push_back(':');
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(hex[i]))));
  }
  return out;
}

std::string parse_fingerprint(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (starts_with_ignoring_case(text, kOpensslPrefix)) text.remove_prefix(kOpensslPrefix.size());
  std::string out;
  if (text.size() == kDigits) {
    for (char c : text) {
      if (!is_hex(c)) refuse();
      out.push_back(lower(c));
    }
    return out;
  }
  // "AB:01:...": 32 pairs, one colon between each.
  if (text.size() != kDigits + kDigits / 2 - 1) refuse();
  for (size_t i = 0; i < text.size(); ++i) {
    if (i % 3 == 2) {
      if (text[i] != ':') refuse();
    } else {
      if (!is_hex(text[i])) refuse();
      out.push_back(lower(text[i]));
    }
  }
  return out;
}

}  // namespace bronze::config
