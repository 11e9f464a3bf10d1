// The challenge a registry sends with 401 Unauthorized when it wants a token
// (the "Docker token" flow that registries, docker-registry included, use):
//   WWW-Authenticate: Bearer realm="https://auth.example.com/token",service="registry",scope="repository:x:pull"
// A pure function over the header's text, so it can be tested and fuzzed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bronze::registry {

struct BearerChallenge {
  std::string realm;    // the token endpoint's URL
  std::string service;  // empty when absent
  std::string scope;    // empty when absent
};

// nullopt when the challenge is not Bearer (Basic, say). Throws bronze::Error
// when a Bearer challenge is malformed or has no realm.
std::optional<BearerChallenge> parse_bearer_challenge(std::string_view header);

// True for an HTTP Basic challenge ("Basic realm=...", any case).
bool is_basic_challenge(std::string_view header);

}  // namespace bronze::registry
