#include "bronzectl/connection.h"

#include <algorithm>

namespace bronze::ctl {

std::string api_target(const std::string& node) {
  if (!node.empty() && node.front() == '[') {
    auto close = node.find(']');
    if (close != std::string::npos && close + 1 < node.size() && node[close + 1] == ':') return node;
    return node + ":" + std::to_string(kApiPort);
  }
  if (std::count(node.begin(), node.end(), ':') == 1) return node;  // host:port
  if (node.find(':') != std::string::npos) return "[" + node + "]:" + std::to_string(kApiPort);  // bare IPv6
  return node + ":" + std::to_string(kApiPort);
}

namespace {

Connection open_channel(const std::string& node, const std::shared_ptr<grpc::ChannelCredentials>& credentials) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(16 << 20);
  // Fail fast instead of retrying a refused handshake forever.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 500);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  Connection c;
  c.node = node;
  c.target = api_target(node);
  c.channel = grpc::CreateCustomChannel(c.target, credentials, args);
  c.stub = v1::MachineService::NewStub(c.channel);
  return c;
}

}  // namespace

Connection connect(const std::string& node, const Identity& identity) {
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = identity.ca_pem;
  tls.pem_private_key = identity.key_pem;
  tls.pem_cert_chain = identity.crt_pem;
  return open_channel(node, grpc::SslCredentials(tls));
}

Connection connect_insecure(const std::string& node, const std::string& expected_fingerprint) {
  auto seen = std::make_shared<SeenCertificate>(expected_fingerprint);
  grpc::experimental::TlsChannelCredentialsOptions tls;
  // No CA to check the chain against: the fingerprint stands for it.
  tls.set_verify_server_certs(false);
  tls.set_check_call_host(false);
  tls.set_certificate_verifier(grpc::experimental::ExternalCertificateVerifier::Create<FingerprintVerifier>(seen));
  Connection c = open_channel(node, grpc::experimental::TlsCredentials(tls));
  c.certificate = seen;
  return c;
}

std::string describe_failure(const Connection& c, const grpc::Status& status) {
  const std::string& m = status.error_message();
  auto has = [&](const char* s) { return m.find(s) != std::string::npos; };
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      if (has("andshake") || has("alert") || has("certificate") || has("CERTIFICATE") || has("SSL")) {
        return "the node " + c.target +
               " refused the TLS handshake (is your client certificate from this cluster's CA and still valid? "
               "is the node's? a node in maintenance mode takes only `apply-config --insecure`): " + m;
      }
      return "cannot reach the node API at " + c.target + " (is the node up and the address right?): " + m;
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
      return "refused by " + c.target + ": " + m;
    default:
      return c.target + ": " + m;
  }
}

}  // namespace bronze::ctl
