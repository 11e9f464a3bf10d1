// machine.registries of the machine config, in Talos's v1alpha1 shape: where
// the node pulls images from (mirrors) and how it logs in to and trusts each
// registry host (config):
//
//   machine:
//     registries:
//       mirrors:
//         registry.example.com:             # or "*": every registry
//           endpoints:                      # tried in order
//             - https://mirror.local:5000
//           skipFallback: false             # true: never the registry itself
//       config:
//         mirror.local:5000:                # a host[:port], a registry's or a mirror's
//           auth:
//             username: puller
//             password: secret              # or auth: base64 of "user:password"
//           tls:
//             ca: <base64 of a PEM CA certificate>
//
// A mirror is only a place to fetch from: what comes from it is verified
// against the image's signature exactly as what comes from the registry
// (docs/DESIGN.md, decision 20). TLS is never switched off: a registry with
// a private CA names that CA in tls.ca, and `insecureSkipVerify: true` is
// refused.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "yaml/strict_yaml.h"

namespace bronze::config {

struct RegistryMirror {
  // "https://host:port" or "http://host:port", without a path.
  std::vector<std::string> endpoints;
  bool skip_fallback = false;
  bool operator==(const RegistryMirror&) const = default;
};

struct RegistryAuth {
  std::string username;
  std::string password;
  bool operator==(const RegistryAuth&) const = default;
};

struct RegistryHostConfig {
  std::optional<RegistryAuth> auth;
  std::string ca;  // PEM of the CA that signs the host's certificate; empty: the system's CAs
  bool operator==(const RegistryHostConfig&) const = default;
};

struct RegistriesConfig {
  std::map<std::string, RegistryMirror> mirrors;     // by registry host[:port], or "*"
  std::map<std::string, RegistryHostConfig> config;  // by host[:port]
  bool empty() const { return mirrors.empty() && config.empty(); }
  bool operator==(const RegistriesConfig&) const = default;
};

RegistriesConfig read_registries(const StrictYaml& yaml, const YAML::Node& node, const std::string& path);
void emit_registries(YAML::Emitter& out, const RegistriesConfig& registries);

// "https://mirror:5000/" -> "https://mirror:5000"; nullopt for anything but
// an http(s) URL of a host with an optional port and no path, query or login.
std::optional<std::string> registry_endpoint_url(const std::string& text);

}  // namespace bronze::config
