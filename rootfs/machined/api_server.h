// machined's gRPC server on the given address (0.0.0.0:50000 on a node).
// Configured, it serves with mutual TLS: the handshake itself refuses a
// client without a certificate signed by the machine CA, or with an expired
// one; roles are checked per call. In maintenance mode it serves TLS with a
// certificate the node made for itself and asks for no client certificate.
#pragma once

#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "config/pki.h"
#include "rootfs/machined/node_context.h"

namespace bronze::machined {

class ApiServer {
 public:
  // Throw an Error naming the address when they cannot listen.
  static std::unique_ptr<ApiServer> configured(NodeContext& node, const std::string& address,
                                               const config::Certificate& ca, const config::CertificateAndKey& identity);
  static std::unique_ptr<ApiServer> maintenance(NodeContext& node, const std::string& address,
                                                std::optional<std::filesystem::path> install_template);
  ~ApiServer();
  int port() const { return port_; }

 private:
  ApiServer(std::unique_ptr<grpc::Service> service, const std::string& address,
            std::shared_ptr<grpc::ServerCredentials> credentials);

  std::unique_ptr<grpc::Service> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace bronze::machined
