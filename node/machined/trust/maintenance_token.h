// The maintenance token: with one set, a node in maintenance mode takes a
// machine config only from a caller who shows it (`bronzectl apply-config
// --insecure --token TOKEN`, in the call's metadata). It comes from the
// kernel command line (bronze.maintenance.token=TOKEN) for now; a platform's
// metadata service can fill the same field later.
#pragma once

#include <grpcpp/grpcpp.h>

#include <optional>
#include <string>

#include "kernel/cmdline/kernel_cmdline.h"

namespace bronze::machined {

inline constexpr const char* kMaintenanceTokenArgument = "bronze.maintenance.token";
inline constexpr size_t kMinMaintenanceTokenLength = 16;
inline constexpr size_t kMaxMaintenanceTokenLength = 256;

struct MaintenanceToken {
  std::string value;
  std::string source;   // where it came from, for messages: "kernel argument bronze.maintenance.token"
  // Set when the token is unusable (too short, say): the node then refuses
  // every config rather than take one from anybody.
  std::string problem;
};

// The token the command line sets, or nullopt when it sets none.
std::optional<MaintenanceToken> maintenance_token_from(const KernelCmdline& cmdline);

// OK when no token is set, or the call shows it (compared in constant
// time); otherwise UNAUTHENTICATED (none shown) or PERMISSION_DENIED (wrong
// one), naming the token and how to show it, or FAILED_PRECONDITION for an
// unusable one. `call` names the call in the message.
grpc::Status check_maintenance_token(const std::optional<MaintenanceToken>& token, const grpc::ServerContext& context,
                                     const std::string& call);

}  // namespace bronze::machined
