// machined's gRPC server: mutual TLS on the given address (0.0.0.0:50000 on a
// node). The handshake itself refuses a client without a certificate signed
// by the machine CA, or with an expired one; roles are checked per call.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "config/pki.h"
#include "rootfs/machined/machine_service.h"

namespace bronze::machined {

class ApiServer {
 public:
  // Throws an Error naming the address when it cannot listen.
  ApiServer(NodeContext& node, const std::string& address, const config::Certificate& ca,
            const config::CertificateAndKey& identity);
  ~ApiServer();
  int port() const { return port_; }

 private:
  MachineService service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace bronze::machined
