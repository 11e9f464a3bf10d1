#include "node/machined/service/api_server.h"

#include "base/error.h"
#include "node/machined/service/machine_service.h"
#include "node/machined/service/maintenance_service.h"
#include "node/machined/trust/serving_identity.h"
#include "node/machined/trust/trustd_service.h"

namespace bronze::machined {

namespace {

// Image chunks are 1 MiB; leave room for the envelope.
constexpr int kApiMaxReceiveBytes = 4 << 20;
constexpr int kTrustdMaxReceiveBytes = 64 << 10;

}  // namespace

std::unique_ptr<ApiServer> ApiServer::configured(NodeContext& node, const std::string& address,
                                                 const config::Certificate& ca,
                                                 const config::CertificateAndKey& identity) {
  grpc::SslServerCredentialsOptions tls(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  tls.pem_root_certs = ca.to_pem();
  tls.pem_key_cert_pairs.push_back({identity.key.to_pem(), identity.certificate.to_pem()});
  return std::unique_ptr<ApiServer>(new ApiServer(std::make_unique<MachineService>(node), address,
                                                  grpc::SslServerCredentials(tls), identity.certificate,
                                                  kApiMaxReceiveBytes));
}

std::unique_ptr<ApiServer> ApiServer::maintenance(NodeContext& node, const std::string& address,
                                                  std::optional<std::filesystem::path> install_template) {
  // A CA of its own for this boot only: clients cannot check the node
  // against the cluster's yet, but they can compare the certificate's
  // fingerprint with the one the console shows.
  auto ca = config::make_ca("bronze maintenance " + (node.hostname.empty() ? std::string("node") : node.hostname),
                            config::valid_for(std::chrono::hours(24)));
  auto identity = make_serving_identity(ca, node.hostname, {});
  grpc::SslServerCredentialsOptions tls(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  tls.pem_key_cert_pairs.push_back({identity.key.to_pem(), identity.certificate.to_pem()});
  return std::unique_ptr<ApiServer>(
      new ApiServer(std::make_unique<MaintenanceService>(node, std::move(install_template)), address,
                    grpc::SslServerCredentials(tls), identity.certificate, kApiMaxReceiveBytes));
}

std::unique_ptr<ApiServer> ApiServer::trustd(NodeContext& node, const std::string& address,
                                             const config::CertificateAuthority& ca,
                                             const config::CertificateAndKey& identity, const std::string& token) {
  grpc::SslServerCredentialsOptions tls(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  tls.pem_key_cert_pairs.push_back({identity.key.to_pem(), identity.certificate.to_pem()});
  return std::unique_ptr<ApiServer>(new ApiServer(std::make_unique<TrustdService>(node, ca, token), address,
                                                  grpc::SslServerCredentials(tls), identity.certificate,
                                                  kTrustdMaxReceiveBytes));
}

ApiServer::ApiServer(std::unique_ptr<grpc::Service> service, const std::string& address,
                     std::shared_ptr<grpc::ServerCredentials> credentials, const config::Certificate& certificate,
                     int max_receive_bytes)
    : service_(std::move(service)), fingerprint_(certificate.sha256_fingerprint()) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, credentials, &port_);
  builder.RegisterService(service_.get());
  builder.SetMaxReceiveMessageSize(max_receive_bytes);
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) throw Error("cannot serve on " + address + " (address in use?)");
}

ApiServer::~ApiServer() {
  if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
}

}  // namespace bronze::machined
