#include "node/machined/service/client_role.h"

#include "pki/pki.h"

namespace bronze::machined {

std::vector<std::string> client_roles(const grpc::ServerContext& context) {
  auto auth = context.auth_context();
  if (!auth || !auth->IsPeerAuthenticated()) return {};
  auto pems = auth->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (pems.empty()) return {};
  try {
    return config::roles_of(config::Certificate::from_pem(std::string_view(pems.front().data(), pems.front().size())));
  } catch (const std::exception&) {
    // A certificate we cannot read grants nothing.
    return {};
  }
}

}  // namespace bronze::machined
