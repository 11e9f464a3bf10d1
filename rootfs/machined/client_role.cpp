#include "rootfs/machined/client_role.h"

#include "config/pki.h"

namespace bronze::machined {

const char* role_name(Role role) {
  switch (role) {
    case Role::Admin: return "os:admin";
    case Role::Reader: return "os:reader";
    case Role::None: break;
  }
  return "none";
}

Role client_role(const grpc::ServerContext& context) {
  auto auth = context.auth_context();
  if (!auth || !auth->IsPeerAuthenticated()) return Role::None;
  auto pems = auth->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (pems.empty()) return Role::None;
  std::string pem(pems.front().data(), pems.front().size());
  try {
    std::string role = config::role_of(std::string_view(pem));
    if (role == config::kRoleAdmin) return Role::Admin;
    if (role == config::kRoleReader) return Role::Reader;
  } catch (const std::exception&) {
    // A certificate naming no role grants none.
  }
  return Role::None;
}

grpc::Status require_role(const grpc::ServerContext& context, Role needed, const std::string& call) {
  Role has = client_role(context);
  if (has == Role::Admin || has == needed) return grpc::Status::OK;
  return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                      call + " needs a client certificate with role " + role_name(needed) + "; this one has " +
                          role_name(has) + " (make an admin identity with `bronzectl gen config`)");
}

}  // namespace bronze::machined
