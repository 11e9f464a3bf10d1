#include "node/machined/trust/trustd_join.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <thread>

#include "api/security.grpc.pb.h"
#include "base/error.h"
#include "node/machined/service/call_token.h"
#include "node/machined/trust/serving_identity.h"

namespace bronze::machined {

namespace security = bronze::security::v1alpha1;

namespace {

const char* code_name(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    default: return "error";
  }
}

// One request; throws Error saying why it failed.
config::Certificate request_certificate(const JoinOptions& options, const config::CertificateRequest& csr) {
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = options.ca_pem;  // trustd's certificate must chain to the cluster CA
  auto channel = grpc::CreateChannel(options.endpoint, grpc::SslCredentials(tls));
  auto stub = security::SecurityService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + options.attempt_timeout);
  context.AddMetadata(kTokenMetadataKey, options.token);
  security::CertificateRequest request;
  request.set_csr(csr.to_pem());
  security::CertificateResponse response;
  auto status = stub->Certificate(&context, request, &response);
  if (!status.ok()) throw Error(std::string(code_name(status.error_code())) + ": " + status.error_message());

  auto ca = config::Certificate::from_pem(options.ca_pem);
  auto certificate = config::Certificate::from_pem(response.crt());
  // What came back must be from our CA, for our key; the CA it names must
  // be ours too (a control plane of another cluster would not get this far).
  config::verify_certificate(certificate, ca, std::chrono::system_clock::now());
  if (config::Certificate::from_pem(response.ca()).sha256_fingerprint() != ca.sha256_fingerprint()) {
    throw Error("trustd answered with another CA than machine.ca.crt");
  }
  return certificate;
}

void wait(const JoinOptions& options, std::chrono::milliseconds delay) {
  auto until = std::chrono::steady_clock::now() + delay;
  while (std::chrono::steady_clock::now() < until) {
    if (options.keep_alive) options.keep_alive();
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    std::this_thread::sleep_for(std::clamp(left, std::chrono::milliseconds(0), std::chrono::milliseconds(1000)));
  }
}

std::string seconds_text(std::chrono::milliseconds delay) {
  auto tenths = delay.count() / 100;
  return std::to_string(tenths / 10) + (tenths % 10 ? "." + std::to_string(tenths % 10) : "") + " s";
}

}  // namespace

std::string default_trustd_endpoint(const std::string& control_plane_endpoint) {
  std::string rest = control_plane_endpoint;
  if (auto scheme = rest.find("://"); scheme != std::string::npos) rest = rest.substr(scheme + 3);
  rest = rest.substr(0, rest.find('/'));
  std::string host;
  if (!rest.empty() && rest.front() == '[') {
    host = rest.substr(0, rest.find(']') + 1);
  } else {
    host = rest.substr(0, rest.find(':'));
  }
  return host + ":" + std::to_string(kTrustdPort);
}

config::CertificateAndKey join_cluster(const NodeContext& node, const JoinOptions& options) {
  auto key = config::PrivateKey::generate();
  auto names = serving_names(node.hostname, options.cert_sans);
  auto csr = config::CertificateRequest::create(key, node.hostname.empty() ? "bronze-node" : node.hostname, names);
  auto delay = options.first_delay;
  for (int attempt = 1;; ++attempt) {
    if (options.keep_alive) options.keep_alive();
    try {
      auto certificate = request_certificate(options, csr);
      node.say("trustd: serving certificate from " + options.endpoint + " (attempt " + std::to_string(attempt) +
               ", " + std::to_string(certificate.ip_addresses().size() + certificate.dns_names().size()) +
               " names)");
      return {certificate, key};
    } catch (const std::exception& e) {
      bool last = options.max_attempts > 0 && attempt >= options.max_attempts;
      node.say("trustd: attempt " + std::to_string(attempt) + " at " + options.endpoint + " failed: " + e.what() +
               (last ? "" : "; trying again in " + seconds_text(delay)));
      if (last) {
        throw Error("no serving certificate from trustd at " + options.endpoint + " after " +
                    std::to_string(attempt) + " attempts: " + e.what());
      }
    }
    wait(options, delay);
    delay = std::min(delay * 2, options.max_delay);
  }
}

}  // namespace bronze::machined
