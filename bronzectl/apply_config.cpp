// apply-config: the machine config to a node in maintenance mode, which
// installs itself (booted from the ISO) or keeps it in STATE, or to a
// configured node, which replaces the one in STATE; then the node reboots.
#include <cstdio>

#include "base/files.h"
#include "base/units.h"
#include "bronzectl/commands.h"
#include "bronzectl/each_node.h"

namespace bronze::ctl {

int apply_config_command(const Session& session, const ApplyConfigCommand& command) {
  v1::ApplyConfigurationRequest request;
  request.set_data(read_file(command.file));
  nlohmann::json rows = nlohmann::json::array();
  if (!session.json && session.insecure) {
    std::fprintf(stderr, "applying %s; a node booted from the ISO installs itself now\n", command.file.c_str());
  }
  return for_each_node<v1::ApplyConfigurationResponse>(
      session, rows,
      [&](Connection& c, grpc::ClientContext* context, v1::ApplyConfigurationResponse* response) {
        return c.stub->ApplyConfiguration(context, request, response);
      },
      [&](const std::string& node, const v1::ApplyConfigurationResponse& r) {
        if (session.json) {
          rows.push_back({{"node", node}, {"ok", true}, {"installed", r.installed()}, {"replaced", r.replaced()},
                          {"disk", r.disk()}, {"version", r.version()}, {"disk_size", r.disk_size()},
                          {"bytes_written", r.bytes_written()}});
        } else if (r.installed()) {
          std::printf("%s: installed %s to %s (%s disk, %s written); rebooting into it\n", node.c_str(),
                      r.version().c_str(), r.disk().c_str(), format_size(r.disk_size()).c_str(),
                      format_size(r.bytes_written()).c_str());
        } else if (r.replaced()) {
          std::printf("%s: machine config in STATE of %s replaced; rebooting into it\n", node.c_str(), r.disk().c_str());
        } else {
          std::printf("%s: machine config put into STATE of %s; rebooting\n", node.c_str(), r.disk().c_str());
        }
      },
      // An install writes a few hundred MiB.
      std::chrono::minutes(15));
}

}  // namespace bronze::ctl
