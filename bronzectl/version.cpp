#include <nlohmann/json.hpp>

#include <cstdio>

#include "bronzectl/call_deadline.h"
#include "bronzectl/commands.h"

namespace bronze::ctl {

int version_command(const Session& session) {
  int exit_code = 0;
  nlohmann::json rows = nlohmann::json::array();
  if (!session.json) std::printf("%-22s %-28s %-5s %-6s %-10s %s\n", "NODE", "VERSION", "SLOT", "ARCH", "PLATFORM", "TYPE");
  for (const auto& node : session.targets) {
    Connection c = connect(node, session.identity);
    v1::VersionResponse response;
    auto status = c.stub->Version(call_context().get(), v1::VersionRequest{}, &response);
    if (!status.ok()) {
      exit_code = 1;
      std::string why = describe_failure(c, status);
      if (session.json) rows.push_back({{"node", node}, {"error", why}});
      else std::fprintf(stderr, "%s: error: %s\n", node.c_str(), why.c_str());
      continue;
    }
    if (session.json) {
      rows.push_back({{"node", node},
                      {"version", response.version()},
                      {"slot", response.slot()},
                      {"arch", response.arch()},
                      {"platform", response.platform()},
                      {"hostname", response.hostname()},
                      {"machine_type", response.machine_type()}});
    } else {
      std::printf("%-22s %-28s %-5s %-6s %-10s %s\n", node.c_str(), response.version().c_str(), response.slot().c_str(),
                  response.arch().c_str(), response.platform().c_str(), response.machine_type().c_str());
    }
  }
  if (session.json) std::printf("%s\n", rows.dump(2).c_str());
  return exit_code;
}

}  // namespace bronze::ctl
