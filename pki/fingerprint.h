// Certificate fingerprints as people compare them: a node in maintenance
// mode prints its certificate's SHA-256 fingerprint on the console, and
// `bronzectl --cert-fingerprint` takes it back in the form the user copied.
#pragma once

#include <string>
#include <string_view>

namespace bronze::config {

// "ab01..." (64 lower-case hex digits) as `openssl x509 -noout -fingerprint
// -sha256` prints it: "AB:01:...".
std::string colon_fingerprint(std::string_view hex);

// A SHA-256 fingerprint as 64 lower-case hex digits, from either spelling:
// "AB:01:..." (with or without openssl's "sha256 Fingerprint=" before it)
// or "ab01..."; any case. Throws Error saying what is expected.
std::string parse_fingerprint(std::string_view text);

}  // namespace bronze::config
