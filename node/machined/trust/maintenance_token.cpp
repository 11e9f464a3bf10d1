#include "node/machined/trust/maintenance_token.h"

#include "node/machined/service/call_token.h"

namespace bronze::machined {

std::optional<MaintenanceToken> maintenance_token_from(const KernelCmdline& cmdline) {
  if (!cmdline.has(kMaintenanceTokenArgument)) return std::nullopt;
  MaintenanceToken token;
  token.value = cmdline.get(kMaintenanceTokenArgument).value_or("");
  token.source = std::string("kernel argument ") + kMaintenanceTokenArgument;
  // A token so short it could be guessed, or one given without a value,
  // must not leave the node open to anybody.
  if (token.value.size() < kMinMaintenanceTokenLength || token.value.size() > kMaxMaintenanceTokenLength) {
    token.problem = "it must be " + std::to_string(kMinMaintenanceTokenLength) + " to " +
                    std::to_string(kMaxMaintenanceTokenLength) + " characters long, and has " +
                    std::to_string(token.value.size());
  }
  for (char c : token.value) {
    if (c <= 0x20 || c >= 0x7f) token.problem = "it must be printable ASCII without spaces";
  }
  return token;
}

grpc::Status check_maintenance_token(const std::optional<MaintenanceToken>& token, const grpc::ServerContext& context,
                                     const std::string& call) {
  if (!token) return grpc::Status::OK;
  if (!token->problem.empty()) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        call + ": this node's maintenance token (" + token->source + ") is unusable: " +
                            token->problem + "; boot it with a good one");
  }
  switch (check_call_token(context, token->value)) {
    case TokenCheck::Missing:
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          call + " needs this node's maintenance token (set by the " + token->source +
                              "): pass it with `bronzectl apply-config --insecure --token TOKEN`");
    case TokenCheck::Wrong:
      return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                          call + ": wrong maintenance token (it must be the " + token->source + " of the node)");
    case TokenCheck::Ok:
      break;
  }
  return grpc::Status::OK;
}

}  // namespace bronze::machined
