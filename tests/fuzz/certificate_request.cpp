// Fuzzes what trustd does with the certificate request a caller sends once
// it has shown the join token: parse the PEM, check its signature, and sign
// a serving certificate for it. Only bronze::Error may refuse; what is
// signed must be a serving certificate that grants no role.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "base/error.h"
#include "pki/pki.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bronze::config;
  static const CertificateAuthority ca = make_ca("fuzz", valid_for(std::chrono::hours(1)));
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto request = CertificateRequest::from_pem(text);
    auto issued = issue_serving_certificate(ca, request, valid_for(std::chrono::hours(1)));
    if (issued.certificate.allows_client_auth() || !issued.certificate.organizations().empty() ||
        issued.certificate.is_ca() || issued.names.empty() || issued.names.size() > kMaxServingNames) {
      std::abort();
    }
    for (const auto& name : issued.names) {
      if (!is_ip_address(name) && !is_dns_name(name)) std::abort();
    }
  } catch (const bronze::Error&) {
  }
  return 0;
}
