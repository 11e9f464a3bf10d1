// Who may call what: the role is the Organization of the client certificate
// the TLS handshake verified against the machine CA, as Talos's os:reader and
// os:admin. There are no passwords and no other way in.
#pragma once

#include <grpcpp/grpcpp.h>

#include <string>

namespace bronze::machined {

enum class Role { None, Reader, Admin };

// The role of the verified client certificate of this call.
Role client_role(const grpc::ServerContext& context);

// OK when the caller holds `needed` (admin includes reader); otherwise
// PERMISSION_DENIED naming the call, the role it needs and the one it has.
grpc::Status require_role(const grpc::ServerContext& context, Role needed, const std::string& call);

const char* role_name(Role role);

}  // namespace bronze::machined
