#include "rootfs/machined/api_server.h"

#include "base/error.h"

namespace bronze::machined {

ApiServer::ApiServer(NodeContext& node, const std::string& address, const config::Certificate& ca,
                     const config::CertificateAndKey& identity)
    : service_(node) {
  grpc::SslServerCredentialsOptions tls(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  tls.pem_root_certs = ca.to_pem();
  tls.pem_key_cert_pairs.push_back({identity.key.to_pem(), identity.certificate.to_pem()});
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, grpc::SslServerCredentials(tls), &port_);
  builder.RegisterService(&service_);
  // Image chunks are 1 MiB; leave room for the envelope.
  builder.SetMaxReceiveMessageSize(4 << 20);
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) throw Error("cannot serve the API on " + address + " (address in use?)");
}

ApiServer::~ApiServer() {
  if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
}

}  // namespace bronze::machined
