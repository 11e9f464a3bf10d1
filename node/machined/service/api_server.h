// machined's gRPC servers: the node API on the given address (0.0.0.0:50000
// on a node) and, on a control plane node, trustd (0.0.0.0:50001).
// Configured, the API is served with mutual TLS: the handshake itself
// refuses a client without a certificate signed by the machine CA, or with
// an expired one; roles are checked per call. In maintenance mode it serves
// TLS with a certificate the node made for itself, whose fingerprint the
// node prints for clients to check, and asks for no client certificate.
// trustd serves TLS under the node's serving certificate and asks for none
// either: the join token is its credential.
#pragma once

#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "node/machined/node_context.h"
#include "pki/pki.h"

namespace bronze::machined {

class ApiServer {
 public:
  // Throw an Error naming the address when they cannot listen.
  static std::unique_ptr<ApiServer> configured(NodeContext& node, const std::string& address,
                                               const config::Certificate& ca, const config::CertificateAndKey& identity);
  static std::unique_ptr<ApiServer> maintenance(NodeContext& node, const std::string& address,
                                                std::optional<std::filesystem::path> install_template);
  // `token`: the join token it takes (the config's machine.token).
  static std::unique_ptr<ApiServer> trustd(NodeContext& node, const std::string& address,
                                           const config::CertificateAuthority& ca,
                                           const config::CertificateAndKey& identity, const std::string& token);
  ~ApiServer();
  int port() const { return port_; }
  // The serving certificate's SHA-256 fingerprint (lower-case hex).
  const std::string& fingerprint() const { return fingerprint_; }

 private:
  ApiServer(std::unique_ptr<grpc::Service> service, const std::string& address,
            std::shared_ptr<grpc::ServerCredentials> credentials, const config::Certificate& certificate,
            int max_receive_bytes);

  std::unique_ptr<grpc::Service> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::string fingerprint_;
};

}  // namespace bronze::machined
