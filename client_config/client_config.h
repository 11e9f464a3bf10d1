// The client config (like talosconfig): the identities bronzectl talks to
// clusters with. Each context holds the API endpoints, the default target
// nodes, the cluster CA to check the nodes against, and the client's own
// certificate and key; `context` names the one in use.
//
//   context: demo
//   contexts:
//     demo:
//       endpoints: [10.0.0.1]
//       nodes: []
//       ca: <base64 PEM>
//       crt: <base64 PEM>
//       key: <base64 PEM>
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace bronze::config {

// Certificates and key as PEM text.
struct ClientContext {
  std::vector<std::string> endpoints;  // host names or IP addresses of the API
  std::vector<std::string> nodes;      // targets when a command names none
  std::string ca;
  std::string crt;
  std::string key;
  bool operator==(const ClientContext&) const = default;
};

struct ClientConfig {
  std::string context;
  std::map<std::string, ClientContext> contexts;
  bool operator==(const ClientConfig&) const = default;

  // The context called `name`, or the current one when `name` is empty. An
  // unknown name is an error listing the known ones.
  const ClientContext& select(const std::string& name = "") const;
};

// Strict, with errors like the machine config's ("bronzeconfig:4:5: contexts.demo.crt: ...").
ClientConfig parse_client_config(std::string_view text, const std::string& source_name);
ClientConfig load_client_config(const std::filesystem::path& path);

std::string to_yaml(const ClientConfig& config);
// Written aside and renamed into place, mode 0600: it holds a private key.
void write_client_config(const ClientConfig& config, const std::filesystem::path& path);

}  // namespace bronze::config
