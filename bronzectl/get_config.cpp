// get-config: the machine config each node runs with (os:admin only: it
// carries the machine CA's key).
#include <cstdio>

#include "bronzectl/commands.h"
#include "bronzectl/each_node.h"

namespace bronze::ctl {

int get_config_command(const Session& session) {
  nlohmann::json rows = nlohmann::json::array();
  return for_each_node<v1::GetConfigurationResponse>(
      session, rows,
      [](Connection& c, grpc::ClientContext* context, v1::GetConfigurationResponse* response) {
        return c.stub->GetConfiguration(context, v1::GetConfigurationRequest{}, response);
      },
      [&](const std::string& node, const v1::GetConfigurationResponse& r) {
        if (session.json) {
          rows.push_back({{"node", node}, {"ok", true}, {"config", r.data()}});
        } else {
          if (session.targets.size() > 1) std::printf("# %s\n", node.c_str());
          std::fwrite(r.data().data(), 1, r.data().size(), stdout);
          if (!r.data().empty() && r.data().back() != '\n') std::printf("\n");
          if (session.targets.size() > 1) std::printf("---\n");
        }
      });
}

}  // namespace bronze::ctl
