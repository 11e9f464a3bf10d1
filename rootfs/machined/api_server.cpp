#include "rootfs/machined/api_server.h"

#include "base/error.h"
#include "rootfs/machined/machine_service.h"
#include "rootfs/machined/maintenance_service.h"
#include "rootfs/machined/serving_identity.h"

namespace bronze::machined {

std::unique_ptr<ApiServer> ApiServer::configured(NodeContext& node, const std::string& address,
                                                 const config::Certificate& ca,
                                                 const config::CertificateAndKey& identity) {
  grpc::SslServerCredentialsOptions tls(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  tls.pem_root_certs = ca.to_pem();
  tls.pem_key_cert_pairs.push_back({identity.key.to_pem(), identity.certificate.to_pem()});
  return std::unique_ptr<ApiServer>(
      new ApiServer(std::make_unique<MachineService>(node), address, grpc::SslServerCredentials(tls)));
}

std::unique_ptr<ApiServer> ApiServer::maintenance(NodeContext& node, const std::string& address,
                                                  std::optional<std::filesystem::path> install_template) {
  // A CA of its own for this boot only: clients cannot check the node yet
  // (bronzectl --insecure), but the link is encrypted.
  auto ca = config::make_ca("bronze maintenance " + (node.hostname.empty() ? std::string("node") : node.hostname),
                            config::valid_for(std::chrono::hours(24)));
  auto identity = make_serving_identity(ca, node.hostname, {});
  grpc::SslServerCredentialsOptions tls(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  tls.pem_key_cert_pairs.push_back({identity.key.to_pem(), identity.certificate.to_pem()});
  return std::unique_ptr<ApiServer>(new ApiServer(std::make_unique<MaintenanceService>(node, std::move(install_template)),
                                                  address, grpc::SslServerCredentials(tls)));
}

ApiServer::ApiServer(std::unique_ptr<grpc::Service> service, const std::string& address,
                     std::shared_ptr<grpc::ServerCredentials> credentials)
    : service_(std::move(service)) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, credentials, &port_);
  builder.RegisterService(service_.get());
  // Image chunks are 1 MiB; leave room for the envelope.
  builder.SetMaxReceiveMessageSize(4 << 20);
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) throw Error("cannot serve the API on " + address + " (address in use?)");
}

ApiServer::~ApiServer() {
  if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
}

}  // namespace bronze::machined
