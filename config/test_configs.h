// Shared by the config tests: a CA made once per run, and config texts
// built around it whose line numbers the tests can count on.
#pragma once

#include <string>

#include "config/pki.h"

namespace bronze::config::testing {

const CertificateAuthority& test_ca();
const CertificateAuthority& other_test_ca();

// A valid machine config, one field per line in this order (line numbers
// are 1-based):
//    1 version   2 machine   3 type   4 ca   5 crt   6 key   7 certSANs
//    8 network   9 hostname 10 install 11 disk 12 image 13 wipe
//   14 extraKernelArgs 15 cluster 16 name 17 controlPlane 18 endpoint
std::string machine_yaml(const std::string& ca_crt_base64, const std::string& ca_key_base64);
std::string machine_yaml();  // with test_ca()

// `text` with line `line` (1-based) replaced by `replacement`.
std::string replace_line(const std::string& text, int line, const std::string& replacement);

}  // namespace bronze::config::testing
