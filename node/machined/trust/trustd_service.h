// trustd (api/security.proto, docs/DESIGN.md decision 12) as a control
// plane node serves it: a worker
// that shows the cluster's current join token gets a serving certificate
// for the key of its certificate request, signed with the CA key of this
// node's config (config::issue_serving_certificate says what it holds).
// Every refusal is logged with the caller's address.
#pragma once

#include "api/security.grpc.pb.h"
#include "node/machined/node_context.h"
#include "pki/pki.h"

namespace bronze::machined {

namespace security = bronze::security::v1alpha1;

// How long a worker's certificate is valid. It asks again at every boot;
// one that runs longer than this without a reboot needs a reboot.
inline constexpr std::chrono::hours kWorkerCertificateValidity{24 * 365};
// A certificate request is a few hundred bytes; anything near this is not one.
inline constexpr size_t kMaxCertificateRequestBytes = 16 * 1024;

class TrustdService final : public security::SecurityService::Service {
 public:
  // `token`: the only join token accepted, this config's machine.token;
  // rotating it in the config (and restarting) revokes the old one.
  TrustdService(const NodeContext& node, config::CertificateAuthority ca, std::string token)
      : node_(node), ca_(std::move(ca)), token_(std::move(token)) {}

  grpc::Status Certificate(grpc::ServerContext* context, const security::CertificateRequest* request,
                           security::CertificateResponse* response) override;

 private:
  const NodeContext& node_;
  const config::CertificateAuthority ca_;
  const std::string token_;
};

}  // namespace bronze::machined
