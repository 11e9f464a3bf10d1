// Where an image is fetched from: the registry its reference names, or a
// mirror of it (machine.registries.mirrors), each with its own login and CA
// (machine.registries.config). Whichever serves it, the image must carry the
// same valid signature: an endpoint is trusted with availability and with
// the login given to it, never with what the node runs.
#pragma once

#include <optional>
#include <string>

#include "registry/reference.h"

namespace bronze::registry {

struct RegistryLogin {
  std::string username;
  std::string password;
};

struct Endpoint {
  std::string url;   // "https://host:port", no path
  bool mirror = false;
  std::optional<RegistryLogin> login;
  std::string ca_pem;  // the CA that signs its certificate; empty: the system's CAs (or PullOptions::ca_file)

  // "host:port", for messages.
  std::string host() const;
  bool plain_http() const { return url.rfind("http://", 0) == 0; }
};

// The registry `ref` names, over HTTPS unless `plain_http`.
Endpoint upstream_endpoint(const Reference& ref, bool plain_http);

}  // namespace bronze::registry
