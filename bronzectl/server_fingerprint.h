// How bronzectl checks a node in maintenance mode, which has no certificate
// from the cluster CA yet: by the SHA-256 fingerprint of the certificate it
// presents, which the node prints on its console. The TLS handshake hands
// the certificate to FingerprintVerifier, which refuses it unless its
// fingerprint is the one expected, so nothing is sent to another machine.
// Without an expected fingerprint it accepts any, and records what it saw so
// that bronzectl can say it did not check it.
#pragma once

#include <grpcpp/security/tls_certificate_verifier.h>

#include <memory>
#include <mutex>
#include <string>

namespace bronze::ctl {

class SeenCertificate {
 public:
  // `expected`: lower-case hex (config::parse_fingerprint); empty: any.
  explicit SeenCertificate(std::string expected) : expected_(std::move(expected)) {}
  const std::string& expected() const { return expected_; }
  // Records `fingerprint`; true when it may be accepted.
  bool check(const std::string& fingerprint);
  // The fingerprint of the last certificate seen, empty when none came.
  std::string seen() const;
  // A certificate came whose fingerprint is not the expected one.
  bool refused() const;

 private:
  const std::string expected_;
  mutable std::mutex mutex_;
  std::string seen_;
  bool refused_ = false;
};

class FingerprintVerifier : public grpc::experimental::ExternalCertificateVerifier {
 public:
  explicit FingerprintVerifier(std::shared_ptr<SeenCertificate> seen) : seen_(std::move(seen)) {}
  bool Verify(grpc::experimental::TlsCustomVerificationCheckRequest* request,
              std::function<void(grpc::Status)> callback, grpc::Status* sync_status) override;
  void Cancel(grpc::experimental::TlsCustomVerificationCheckRequest*) override {}

 private:
  std::shared_ptr<SeenCertificate> seen_;
};

}  // namespace bronze::ctl
