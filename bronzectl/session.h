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
  // A node in maintenance mode: TLS without our certificate (it has no CA
  // to check one against yet), the node's checked by its fingerprint only.
  bool insecure = false;
  std::string cert_fingerprint;  // lower-case hex; empty: the node is not checked (and we say so)
  std::string token;             // the node's maintenance token, sent in each call's metadata
};

// --insecure's options: what a node in maintenance mode is checked by and
// shown.
struct MaintenanceOptions {
  std::string cert_fingerprint;  // as the user typed it (config::parse_fingerprint)
  std::string token;
};

std::string default_config_path();

// Throws a bronze::Error naming the file, the context or the missing
// endpoint, and what to do.
Session open_session(const GlobalOptions& options);

// After a call to a node in maintenance mode: why a node whose certificate
// was not the expected one was refused, and, when none was expected, the
// warning that it was not checked. Empty when there is nothing to say.
std::string maintenance_refusal(const Connection& c);
std::string maintenance_warning(const Session& session, const Connection& c);

// For --insecure: no client config, the nodes from -n or -e. Throws Error
// for a malformed fingerprint.
Session open_insecure_session(const GlobalOptions& options, const MaintenanceOptions& maintenance);

}  // namespace bronze::ctl
