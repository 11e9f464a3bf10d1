// The roles of a caller: the Organizations of the client certificate the TLS
// handshake verified against the machine CA that name a known role (as
// Talos's os:admin, os:operator, os:reader, os:etcd:backup). There are no
// passwords and no other way in; access_policy.h decides what they allow.
#pragma once

#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

namespace bronze::machined {

// Empty for a certificate naming no known role, and for a call without a
// verified certificate.
std::vector<std::string> client_roles(const grpc::ServerContext& context);

}  // namespace bronze::machined
