// Config fields that hold a certificate or a key the way Talos writes them:
// base64 of the PEM text, on one line. Reading one checks the whole chain of
// encodings, so a bad field is reported where it is, not when a TLS
// handshake fails later.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "pki/pki.h"
#include "yaml/strict_yaml.h"

namespace bronze::config {

struct PemCertificate {
  std::string pem;
  Certificate certificate;
};
struct PemPrivateKey {
  std::string pem;
  PrivateKey key;
};

PemCertificate read_certificate_field(const StrictYaml& yaml, const YAML::Node& node, const std::string& path);
PemPrivateKey read_private_key_field(const StrictYaml& yaml, const YAML::Node& node, const std::string& path);

}  // namespace bronze::config
