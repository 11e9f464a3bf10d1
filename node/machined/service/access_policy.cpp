#include "node/machined/service/access_policy.h"

#include <algorithm>

#include "node/machined/service/client_role.h"
#include "pki/pki.h"

namespace bronze::machined {

namespace {

using config::kRoleAdmin;
using config::kRoleEtcdBackup;
using config::kRoleOperator;
using config::kRoleReader;

// "os:admin, os:operator or os:reader"
std::string either(const std::vector<std::string_view>& roles) {
  std::string text;
  for (size_t i = 0; i < roles.size(); ++i) {
    text += std::string(i == 0 ? "" : i + 1 == roles.size() ? " or " : ", ") + std::string(roles[i]);
  }
  return text;
}

}  // namespace

const std::vector<CallAccess>& access_table() {
  static const std::vector<CallAccess> table = {
      {"Version", {kRoleAdmin, kRoleOperator, kRoleReader}},
      {"Status", {kRoleAdmin, kRoleOperator, kRoleReader}},
      {"Verify", {kRoleAdmin, kRoleOperator, kRoleReader}},
      {"Upgrade", {kRoleAdmin, kRoleOperator}},
      {"Rollback", {kRoleAdmin, kRoleOperator}},
      {"Reboot", {kRoleAdmin, kRoleOperator}},
      {"Logs", {kRoleAdmin, kRoleOperator, kRoleReader}},
      {"ApplyConfiguration", {kRoleAdmin}},
      {"GetConfiguration", {kRoleAdmin}},
      {"EtcdSnapshot", {kRoleAdmin, kRoleOperator, kRoleEtcdBackup}},
  };
  return table;
}

const std::vector<std::string_view>& roles_allowed(std::string_view call) {
  static const std::vector<std::string_view> none;
  for (const auto& entry : access_table()) {
    if (entry.call == call) return entry.roles;
  }
  return none;
}

grpc::Status authorize(std::string_view call, const std::vector<std::string>& held) {
  const auto& allowed = roles_allowed(call);
  for (const auto& role : held) {
    if (std::find(allowed.begin(), allowed.end(), role) != allowed.end()) return grpc::Status::OK;
  }
  std::string has;
  for (const auto& role : held) has += (has.empty() ? "" : ", ") + role;
  if (has.empty()) has = "no role (its Organization names none of " + config::known_roles_text() + ")";
  std::string needs = allowed.empty() ? "a role, but no role may make it" : "a client certificate with role " + either(allowed);
  return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                      std::string(call) + " needs " + needs + "; this one has " + has +
                          " (issue one with `bronzectl gen cert --role ROLE --machine-config controlplane.yaml -o FILE`)");
}

grpc::Status authorize(const grpc::ServerContext& context, std::string_view call) {
  return authorize(call, client_roles(context));
}

}  // namespace bronze::machined
