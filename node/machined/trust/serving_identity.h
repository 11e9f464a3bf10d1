// The node's serving certificate for the API: made at every boot, signed by
// the machine CA from the machine config, for every address the node answers
// on. Clients check it against the same CA, so it needs no distribution.
#pragma once

#include <string>
#include <vector>

#include "pki/pki.h"

namespace bronze::machined {

// 127.0.0.1, ::1, localhost, the node's own addresses and hostname, and the
// config's certSANs, without duplicates.
std::vector<std::string> serving_names(const std::string& hostname, const std::vector<std::string>& cert_sans);

config::CertificateAndKey make_serving_identity(const config::CertificateAuthority& ca, const std::string& hostname,
                                                const std::vector<std::string>& cert_sans);

}  // namespace bronze::machined
