// Shared by the config tests: a CA made once per run, and config texts
// built around it whose line numbers the tests can count on.
#pragma once

#include <string>

#include "pki/pki.h"

namespace bronze::config::testing {

const CertificateAuthority& test_ca();
const CertificateAuthority& other_test_ca();

inline constexpr const char* kTestToken = "abcdef.0123456789abcdef";

// A valid control plane's machine config, one field per line in this order
// (line numbers are 1-based):
//    1 version   2 machine   3 type   4 ca   5 crt   6 key   7 certSANs
//    8 network   9 hostname 10 install 11 disk 12 image 13 wipe
//   14 extraKernelArgs 15 token 16 cluster 17 name 18 controlPlane
//   19 endpoint
std::string machine_yaml(const std::string& ca_crt_base64, const std::string& ca_key_base64);
std::string machine_yaml();  // with test_ca()
// The same as a worker's: line 3 says worker, and line 6 is a comment
// where the key was (so the numbers hold).
std::string worker_yaml();

// `text` with line `line` (1-based) replaced by `replacement`.
std::string replace_line(const std::string& text, int line, const std::string& replacement);

// The error parse_machine_config gives for `text` read as "node.yaml", or
// "" when it parses.
std::string machine_config_error(const std::string& text);
// That error starts "node.yaml:POSITION: FIELD" and holds `words` (a test
// failure says otherwise).
void expect_machine_config_error(const std::string& text, const std::string& position, const std::string& field,
                                 const std::string& words);

}  // namespace bronze::config::testing
