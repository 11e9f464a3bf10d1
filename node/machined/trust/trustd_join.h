// How a worker gets its serving certificate: it makes a key and a
// certificate request for its names, and asks a control plane node's
// trustd (api/security.proto) for the certificate, showing the join token.
// trustd must present a certificate from the cluster CA, so the token goes
// to the control plane and nobody else. A failed attempt is logged with its
// cause and tried again after a delay that doubles up to a bound.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "node/machined/node_context.h"
#include "pki/pki.h"

namespace bronze::machined {

inline constexpr int kTrustdPort = 50001;

// The host of cluster.controlPlane.endpoint with trustd's port:
// "https://10.0.0.1:6443" -> "10.0.0.1:50001", "https://[fd00::1]" -> "[fd00::1]:50001".
std::string default_trustd_endpoint(const std::string& control_plane_endpoint);

struct JoinOptions {
  std::string endpoint;  // host:port of a control plane node's trustd
  std::string ca_pem;    // the cluster CA trustd must prove itself against
  std::string token;     // machine.token
  std::string hostname;
  std::vector<std::string> cert_sans;
  int max_attempts = 0;  // 0: until one succeeds
  std::chrono::milliseconds first_delay{1000};
  std::chrono::milliseconds max_delay{30000};
  std::chrono::milliseconds attempt_timeout{10000};
  // Called at least once a second while it waits (a node feeds its watchdog).
  std::function<void()> keep_alive;
};

// The signed certificate, checked against the cluster CA, and its key.
// Throws Error once max_attempts attempts failed.
config::CertificateAndKey join_cluster(const NodeContext& node, const JoinOptions& options);

}  // namespace bronze::machined
