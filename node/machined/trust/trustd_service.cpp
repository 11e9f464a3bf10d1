#include "node/machined/trust/trustd_service.h"

#include <algorithm>

#include "base/error.h"
#include "node/machined/service/call_token.h"

namespace bronze::machined {

namespace {

// A name from a request, fit for the log: printable ASCII only.
std::string printable(const std::string& text) {
  std::string out;
  for (char c : text.substr(0, 64)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  return out;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

grpc::Status TrustdService::Certificate(grpc::ServerContext* context, const security::CertificateRequest* request,
                                        security::CertificateResponse* response) {
  const std::string peer = context->peer();
  // The token first: nothing of an unauthenticated request is parsed.
  switch (check_call_token(*context, token_)) {
    case TokenCheck::Missing:
      node_.say("trustd: refused a certificate request from " + peer + ": it shows no join token");
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          "trustd needs the cluster's join token (the worker config's machine.token) in the call's "
                          "metadata under \"token\"");
    case TokenCheck::Wrong:
      node_.say("trustd: refused a certificate request from " + peer +
                ": wrong join token (not this control plane's machine.token; revoked?)");
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          "the join token is not this cluster's current one (machine.token of the control plane); "
                          "it may have been revoked: use the token of the current controlplane.yaml");
    case TokenCheck::Ok:
      break;
  }
  if (request->csr().size() > kMaxCertificateRequestBytes) {
    node_.say("trustd: refused a certificate request from " + peer + ": " + std::to_string(request->csr().size()) +
              " bytes is too large for one");
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "the certificate request is too large");
  }
  try {
    auto csr = config::CertificateRequest::from_pem(request->csr());
    auto issued = config::issue_serving_certificate(ca_, csr, config::valid_for(kWorkerCertificateValidity));
    response->set_ca(ca_.certificate.to_pem());
    response->set_crt(issued.certificate.to_pem());
    std::string left_out = issued.dropped ? "; " + std::to_string(issued.dropped) + " requested name" +
                                                (issued.dropped == 1 ? "" : "s") + " left out"
                                          : "";
    node_.say("trustd: signed a serving certificate for " + printable(issued.certificate.common_name()) + " at " +
              peer + " (" + joined(issued.names) + left_out + ")");
    return grpc::Status::OK;
  } catch (const Error& e) {
    node_.say("trustd: refused a certificate request from " + peer + ": " + e.what());
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, e.what());
  }
}

}  // namespace bronze::machined
