// `bronzectl gen config`, `gen cert` (or its older name `gen client`) and
// `gen token`: new cluster secrets and configs, one more client identity of
// any role from a control plane's machine config, or a new join token to
// rotate the old one out.
#pragma once

#include <string>
#include <vector>

#include "machine_config/gen_config.h"

namespace bronze::ctl {

int gen_config_command(const config::GenConfigOptions& options, bool json);

struct GenClientCommand {
  std::string machine_config;  // whose CA signs the new identity
  std::string role = "os:reader";
  std::string name;  // empty: the role without "os:" (os:etcd:backup: etcd-backup)
  std::vector<std::string> endpoints;
  std::string output;
  int validity_hours = 24 * 365;
  bool force = false;
};
int gen_client_command(const GenClientCommand& command, bool json);

// Prints a fresh join token (config::generate_join_token).
int gen_token_command(bool json);

}  // namespace bronze::ctl
