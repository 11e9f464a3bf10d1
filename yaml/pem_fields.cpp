#include "yaml/pem_fields.h"

#include "base/base64.h"
#include "base/error.h"

namespace bronze::config {

namespace {

std::string decode_pem(const StrictYaml& yaml, const YAML::Node& node, const std::string& path, const char* what) {
  auto pem = base64_decode(yaml.string(node, path));
  if (!pem) yaml.fail(node, path, std::string("expected base64 of a PEM ") + what + ", but it is not valid base64");
  return *pem;
}

}  // namespace

PemCertificate read_certificate_field(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  std::string pem = decode_pem(yaml, node, path, "certificate");
  try {
    return {pem, Certificate::from_pem(pem)};
  } catch (const Error& e) {
    yaml.fail(node, path, std::string("expected base64 of a PEM X.509 certificate: ") + e.what());
  }
}

PemPrivateKey read_private_key_field(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  std::string pem = decode_pem(yaml, node, path, "private key");
  try {
    return {pem, PrivateKey::from_pem(pem)};
  } catch (const Error& e) {
    yaml.fail(node, path, std::string("expected base64 of a PEM private key: ") + e.what());
  }
}

}  // namespace bronze::config
