// The machine config: one YAML document per machine, shaped like Talos's
// v1alpha1, that says what the node is (control plane or worker), which CA
// it trusts (and, on a control plane, signs with), where it installs, and
// which cluster it joins.
//
//   version: v1alpha1
//   machine:
//     type: controlplane            # or worker
//     ca: {crt: <base64 PEM>, key: <base64 PEM>}   # a worker's: {crt} only
//     token: abcdef.0123456789abcdef  # the join token (trustd)
//     certSANs: []                  # extra names/IPs for the serving certificate
//     network: {hostname: node-1}   # optional; addresses, routes, DNS: network_config.h
//     time: {servers: [...]}        # optional: network_config.h
//     install: {disk: /dev/vda, image: <ref>, wipe: false, extraKernelArgs: []}
//   cluster:
//     name: demo
//     controlPlane: {endpoint: https://10.0.0.1:6443}
//     etcd:                                                           # optional
//       endpoints: [https://10.0.0.1:2379]
//       memberName: node-1
//       tls: {ca: <base64 PEM>, crt: <base64 PEM>, key: <base64 PEM>}  # with https endpoints
//     kubernetes: {apiServer: https://127.0.0.1:6443, token: /var/...} # optional
//
// A field set to null (`hostname:` or `hostname: ~`) counts as not given.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "machine_config/network_config.h"
#include "machine_config/registries_config.h"

namespace bronze::config {

inline constexpr std::string_view kMachineConfigVersion = "v1alpha1";

enum class MachineType { controlplane, worker };
std::string_view to_string(MachineType type);

// PEM text (not base64: that is only how the file carries it).
struct PemCertificateAndKey {
  std::string crt;
  std::string key;
  bool operator==(const PemCertificateAndKey&) const = default;
};

struct InstallConfig {
  std::string disk;   // a block device path, /dev/...
  std::string image;  // installer image reference; empty: the one the node booted from
  bool wipe = false;  // zero the whole disk before partitioning
  std::vector<std::string> extra_kernel_args;
  bool operator==(const InstallConfig&) const = default;
};

struct MachineSection {
  MachineType type = MachineType::worker;
  // The OS CA. A control plane's config holds its key too (the node signs
  // its own serving certificate at boot, and the workers' through trustd);
  // a worker's holds none (key empty) and is refused when it does.
  PemCertificateAndKey ca;
  // The join token: a control plane signs a serving certificate for a
  // worker that shows it; a worker shows it. Rotating it in the control
  // plane configs revokes the old one.
  std::string token;
  std::vector<std::string> cert_sans;  // IP addresses and DNS names
  NetworkConfig network;  // network_config.h
  TimeConfig time;
  RegistriesConfig registries;  // registries_config.h
  InstallConfig install;
  bool operator==(const MachineSection&) const = default;
};

// How the node talks to etcd over TLS: the CA that signed etcd's serving
// certificates, and a client certificate (with its key) that etcd's
// --trusted-ca-file accepts. Least privilege: a client certificate only,
// never the key of the CA that signs etcd's certificates (docs/DESIGN.md
// decision 15).
struct EtcdTlsConfig {
  std::string ca;   // PEM
  std::string crt;  // PEM
  std::string key;  // PEM
  bool operator==(const EtcdTlsConfig&) const = default;
};

struct EtcdConfig {
  // http(s) URLs of the etcd client API: all http, or all https with `tls`.
  std::vector<std::string> endpoints;
  std::string member_name;             // empty: the hostname
  std::optional<EtcdTlsConfig> tls;
  bool operator==(const EtcdConfig&) const = default;
};

struct KubernetesConfig {
  std::string api_server;  // http(s) URL
  std::string token;       // absolute path on the node of a file holding the bearer token
  bool operator==(const KubernetesConfig&) const = default;
};

struct ClusterSection {
  std::string name;
  std::string control_plane_endpoint;  // https URL
  std::optional<EtcdConfig> etcd;
  std::optional<KubernetesConfig> kubernetes;
  bool operator==(const ClusterSection&) const = default;
};

struct MachineConfig {
  std::string version = std::string(kMachineConfigVersion);
  MachineSection machine;
  ClusterSection cluster;
  bool operator==(const MachineConfig&) const = default;
};

// Strict: anything unknown, mistyped, missing or inconsistent (a CA key that
// is not the CA certificate's, a worker with a CA key, a control plane
// without one, a malformed token) throws bronze::Error starting
// "<source_name>:<line>:<column>:" and naming the field, e.g.
// "controlplane.yaml:12:11: machine.install.wipe: expected true or false, got the string \"yes\"".
MachineConfig parse_machine_config(std::string_view text, const std::string& source_name);
MachineConfig load_machine_config(const std::filesystem::path& path);

// The config as YAML that parse_machine_config reads back to an equal value.
std::string to_yaml(const MachineConfig& config);

}  // namespace bronze::config
