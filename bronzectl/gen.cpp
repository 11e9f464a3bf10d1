#include "bronzectl/gen.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "base/error.h"
#include "client_config/client_config.h"
#include "machine_config/machine_config.h"
#include "pki/join_token.h"
#include "pki/pki.h"

namespace bronze::ctl {

int gen_config_command(const config::GenConfigOptions& options, bool json) {
  auto generated = config::generate_configs(options);
  if (json) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : generated.files) files.push_back(f.string());
    std::printf("%s\n", nlohmann::json({{"files", files}, {"context", generated.client.context}}).dump(2).c_str());
    return 0;
  }
  for (const auto& f : generated.files) std::printf("wrote %s\n", f.c_str());
  std::printf("next: put a machine config on a node (imager metal --config %s), then\n"
              "      bronzectl --bronzeconfig %s version\n",
              generated.files.at(0).c_str(), generated.files.at(2).c_str());
  return 0;
}

int gen_client_command(const GenClientCommand& command, bool json) {
  if (!config::is_known_role(command.role)) {
    throw Error("unknown role " + command.role + "; use " + config::known_roles_text());
  }
  if (std::filesystem::exists(command.output) && !command.force) {
    throw Error(command.output + " exists; pass --force to replace it");
  }
  std::string name = command.name;
  if (name.empty()) {
    name = command.role.substr(std::string_view("os:").size());
    std::replace(name.begin(), name.end(), ':', '-');
  }
  auto machine = config::load_machine_config(command.machine_config);
  auto ca = config::certificate_authority_of(machine);
  auto endpoints = command.endpoints;
  auto client = config::issue_client_config(ca, command.role, name, endpoints,
                                            std::chrono::hours(command.validity_hours), machine.cluster.name);
  config::write_client_config(client, command.output);
  if (json) {
    std::printf("%s\n", nlohmann::json({{"file", command.output}, {"role", command.role}}).dump(2).c_str());
  } else {
    std::printf("wrote %s (%s, %s)\n", command.output.c_str(), name.c_str(), command.role.c_str());
  }
  return 0;
}

int gen_token_command(bool json) {
  std::string token = config::generate_join_token();
  if (json) {
    std::printf("%s\n", nlohmann::json({{"token", token}}).dump(2).c_str());
  } else {
    std::printf("%s\n", token.c_str());
  }
  return 0;
}

}  // namespace bronze::ctl
