#include "tests/support/test_configs.h"

#include <gtest/gtest.h>

#include <sstream>

#include "base/base64.h"
#include "base/error.h"
#include "machine_config/machine_config.h"

namespace bronze::config::testing {

namespace {

CertificateAuthority make_test_ca(const std::string& name) { return make_ca(name, valid_for(std::chrono::hours(24))); }

}  // namespace

const CertificateAuthority& test_ca() {
  static const CertificateAuthority ca = make_test_ca("test");
  return ca;
}

const CertificateAuthority& other_test_ca() {
  static const CertificateAuthority ca = make_test_ca("other");
  return ca;
}

std::string machine_yaml(const std::string& ca_crt_base64, const std::string& ca_key_base64) {
  // One line per field, so that the line numbers in the header hold.
  // clang-format off
  return "version: v1alpha1\n"
         "machine:\n"
         "  type: controlplane\n"
         "  ca:\n"
         "    crt: " + ca_crt_base64 + "\n"
         "    key: " + ca_key_base64 + "\n"
         "  certSANs: [10.0.0.1, node-1.example.com]\n"
         "  network:\n"
         "    hostname: node-1\n"
         "  install:\n"
         "    disk: /dev/vda\n"
         "    image: 127.0.0.1:5000/bronze/installer:v1\n"
         "    wipe: false\n"
         "    extraKernelArgs: [console=ttyS0]\n"
         "  token: " + std::string(kTestToken) + "\n"
         "cluster:\n"
         "  name: demo\n"
         "  controlPlane:\n"
         "    endpoint: https://127.0.0.1:6443\n";
  // clang-format on
}

std::string machine_yaml() {
  return machine_yaml(base64_encode(test_ca().certificate.to_pem()), base64_encode(test_ca().key.to_pem()));
}

std::string worker_yaml() {
  return replace_line(replace_line(machine_yaml(), 3, "  type: worker"), 6, "    # no key");
}

std::string replace_line(const std::string& text, int line, const std::string& replacement) {
  std::istringstream in(text);
  std::string out;
  std::string current;
  for (int number = 1; std::getline(in, current); ++number) out += (number == line ? replacement : current) + "\n";
  return out;
}

std::string machine_config_error(const std::string& text) {
  try {
    parse_machine_config(text, "node.yaml");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

void expect_machine_config_error(const std::string& text, const std::string& position, const std::string& field,
                                 const std::string& words) {
  std::string error = machine_config_error(text);
  EXPECT_EQ(error.rfind("node.yaml:" + position + ": " + field, 0), 0u) << error;
  EXPECT_NE(error.find(words), std::string::npos) << error;
}

}  // namespace bronze::config::testing
