// Rollback and reboot: both end with the node restarting.
#include <nlohmann/json.hpp>

#include <cstdio>

#include "bronzectl/call_deadline.h"
#include "bronzectl/commands.h"

namespace bronze::ctl {

int rollback_command(const Session& session) {
  int exit_code = 0;
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& node : session.targets) {
    Connection c = connect(node, session.identity);
    v1::RollbackResponse response;
    auto status = c.stub->Rollback(call_context().get(), v1::RollbackRequest{}, &response);
    if (!status.ok()) {
      exit_code = 1;
      std::string why = describe_failure(c, status);
      if (session.json) rows.push_back({{"node", node}, {"ok", false}, {"error", why}});
      else std::fprintf(stderr, "%s: error: %s\n", node.c_str(), why.c_str());
      continue;
    }
    if (session.json) {
      rows.push_back({{"node", node}, {"ok", true}, {"slot", response.slot()}, {"version", response.version()},
                      {"from", response.from_version()}});
    } else {
      std::printf("%s: rolling back from %s to %s (slot %s); rebooting\n", node.c_str(), response.from_version().c_str(),
                  response.version().c_str(), response.slot().c_str());
    }
  }
  if (session.json) std::printf("%s\n", rows.dump(2).c_str());
  return exit_code;
}

int reboot_command(const Session& session) {
  int exit_code = 0;
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& node : session.targets) {
    Connection c = connect(node, session.identity);
    v1::RebootResponse response;
    auto status = c.stub->Reboot(call_context().get(), v1::RebootRequest{}, &response);
    if (!status.ok()) {
      exit_code = 1;
      std::string why = describe_failure(c, status);
      if (session.json) rows.push_back({{"node", node}, {"ok", false}, {"error", why}});
      else std::fprintf(stderr, "%s: error: %s\n", node.c_str(), why.c_str());
      continue;
    }
    if (session.json) rows.push_back({{"node", node}, {"ok", true}});
    else std::printf("%s: rebooting\n", node.c_str());
  }
  if (session.json) std::printf("%s\n", rows.dump(2).c_str());
  return exit_code;
}

}  // namespace bronze::ctl
