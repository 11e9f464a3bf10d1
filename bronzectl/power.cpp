// Rollback and reboot: both end with the node restarting.
#include <cstdio>

#include "bronzectl/commands.h"
#include "bronzectl/each_node.h"

namespace bronze::ctl {

int rollback_command(const Session& session) {
  nlohmann::json rows = nlohmann::json::array();
  return for_each_node<v1::RollbackResponse>(
      session, rows,
      [](Connection& c, grpc::ClientContext* context, v1::RollbackResponse* response) {
        return c.stub->Rollback(context, v1::RollbackRequest{}, response);
      },
      [&](const std::string& node, const v1::RollbackResponse& r) {
        if (session.json) {
          rows.push_back({{"node", node}, {"ok", true}, {"slot", r.slot()}, {"version", r.version()}, {"from", r.from_version()}});
        } else {
          std::printf("%s: rolling back from %s to %s (slot %s); rebooting\n", node.c_str(), r.from_version().c_str(),
                      r.version().c_str(), r.slot().c_str());
        }
      });
}

int reboot_command(const Session& session) {
  nlohmann::json rows = nlohmann::json::array();
  return for_each_node<v1::RebootResponse>(
      session, rows,
      [](Connection& c, grpc::ClientContext* context, v1::RebootResponse* response) {
        return c.stub->Reboot(context, v1::RebootRequest{}, response);
      },
      [&](const std::string& node, const v1::RebootResponse&) {
        if (session.json) rows.push_back({{"node", node}, {"ok", true}});
        else std::printf("%s: rebooting\n", node.c_str());
      });
}

}  // namespace bronze::ctl
