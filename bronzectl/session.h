// What every bronzectl command starts from: the client config (talosconfig
// style, with contexts), the identity in it, and the nodes to talk to.
#pragma once

#include <string>
#include <vector>

#include "bronzectl/connection.h"

namespace bronze::ctl {

struct GlobalOptions {
  std::string config_path;  // --bronzeconfig; default $BRONZECONFIG, else ~/.bronze/config
  std::string context;      // --context; default the config's current one
  std::vector<std::string> endpoints;  // -e: override the context's endpoints
  std::vector<std::string> nodes;      // -n: the nodes to act on
  bool json = false;
};

struct Session {
  Identity identity;
  std::vector<std::string> targets;  // nodes if given, else endpoints
  bool json = false;
  // A node in maintenance mode: TLS without checking the node's certificate
  // and without ours (it has no CA to check either against yet).
  bool insecure = false;
};

std::string default_config_path();

// Throws a bronze::Error naming the file, the context or the missing
// endpoint, and what to do.
Session open_session(const GlobalOptions& options);

// For --insecure: no client config, the nodes from -n or -e.
Session open_insecure_session(const GlobalOptions& options);

}  // namespace bronze::ctl
