#include <cstdio>

#include "bronzectl/commands.h"
#include "bronzectl/each_node.h"

namespace bronze::ctl {

int version_command(const Session& session) {
  nlohmann::json rows = nlohmann::json::array();
  if (!session.json) std::printf("%-22s %-28s %-5s %-6s %-10s %s\n", "NODE", "VERSION", "SLOT", "ARCH", "PLATFORM", "TYPE");
  return for_each_node<v1::VersionResponse>(
      session, rows,
      [](Connection& c, grpc::ClientContext* context, v1::VersionResponse* response) {
        return c.stub->Version(context, v1::VersionRequest{}, response);
      },
      [&](const std::string& node, const v1::VersionResponse& r) {
        if (session.json) {
          rows.push_back({{"node", node}, {"ok", true}, {"version", r.version()}, {"slot", r.slot()}, {"arch", r.arch()},
                          {"platform", r.platform()}, {"hostname", r.hostname()}, {"machine_type", r.machine_type()}});
        } else {
          std::printf("%-22s %-28s %-5s %-6s %-10s %s\n", node.c_str(), r.version().c_str(), r.slot().c_str(),
                      r.arch().c_str(), r.platform().c_str(), r.machine_type().c_str());
        }
      });
}

}  // namespace bronze::ctl
