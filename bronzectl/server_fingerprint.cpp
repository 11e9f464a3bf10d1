#include "bronzectl/server_fingerprint.h"

#include "pki/fingerprint.h"
#include "pki/join_token.h"
#include "pki/pki.h"

namespace bronze::ctl {

bool SeenCertificate::check(const std::string& fingerprint) {
  std::lock_guard lock(mutex_);
  seen_ = fingerprint;
  // Fingerprints are public; the comparison need not be constant-time, but
  // costs nothing to make so.
  bool ok = expected_.empty() || config::secrets_equal(fingerprint, expected_);
  if (!ok) refused_ = true;
  return ok;
}

std::string SeenCertificate::seen() const {
  std::lock_guard lock(mutex_);
  return seen_;
}

bool SeenCertificate::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

bool FingerprintVerifier::Verify(grpc::experimental::TlsCustomVerificationCheckRequest* request,
                                 std::function<void(grpc::Status)>, grpc::Status* sync_status) {
  std::string fingerprint;
  try {
    auto pem = request->peer_cert();
    fingerprint = config::Certificate::from_pem(std::string_view(pem.data(), pem.size())).sha256_fingerprint();
  } catch (const std::exception& e) {
    *sync_status = grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                                std::string("the node presented no readable certificate: ") + e.what());
    return true;
  }
  if (seen_->check(fingerprint)) {
    *sync_status = grpc::Status::OK;
  } else {
    *sync_status =
        grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "the node's certificate has SHA-256 fingerprint " +
                                                            config::colon_fingerprint(fingerprint) +
                                                            ", not the one given with --cert-fingerprint");
  }
  return true;  // done synchronously
}

}  // namespace bronze::ctl
