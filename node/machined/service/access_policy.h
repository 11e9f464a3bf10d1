// Who may call what on a configured node: one table from each call of the
// node API to the roles that may make it, as Talos's roles go. Every call
// of MachineService asks authorize() first, naming itself; nothing else
// decides access (docs/DESIGN.md decision 13).
#pragma once

#include <grpcpp/grpcpp.h>

#include <string>
#include <string_view>
#include <vector>

namespace bronze::machined {

struct CallAccess {
  std::string_view call;                // the RPC's name in api/machine.proto
  std::vector<std::string_view> roles;  // who may make it
};

// The table, in the order of api/machine.proto.
const std::vector<CallAccess>& access_table();

// The roles that may make `call`; empty for a call the table does not know.
const std::vector<std::string_view>& roles_allowed(std::string_view call);

// OK when one of `held` may make `call`; otherwise PERMISSION_DENIED
// naming the call, the roles that may make it and the ones held. A call the
// table does not know is refused to everyone.
grpc::Status authorize(std::string_view call, const std::vector<std::string>& held);

// The same for the verified client certificate of this call.
grpc::Status authorize(const grpc::ServerContext& context, std::string_view call);

}  // namespace bronze::machined
