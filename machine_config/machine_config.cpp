#include "machine_config/machine_config.h"

#include <yaml-cpp/yaml.h>

#include "base/base64.h"
#include "base/error.h"
#include "base/files.h"
#include "pki/join_token.h"
#include "pki/pki.h"
#include "yaml/pem_fields.h"
#include "yaml/strict_yaml.h"

namespace bronze::config {

namespace {

bool has_space_or_quote(const std::string& text) { return text.find_first_of(" \t\"'") != std::string::npos; }

// A non-empty single word: names, paths and references never hold spaces,
// and a kernel argument with one would be split by the boot loader.
std::string word(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  std::string value = yaml.string(node, path);
  if (value.empty()) yaml.fail(node, path, "must not be empty");
  if (has_space_or_quote(value)) yaml.fail(node, path, "must not contain spaces or quotes");
  return value;
}

std::string url(const StrictYaml& yaml, const YAML::Node& node, const std::string& path, bool https_only) {
  std::string value = word(yaml, node, path);
  bool https = value.rfind("https://", 0) == 0 && value.size() > 8;
  bool http = value.rfind("http://", 0) == 0 && value.size() > 7;
  if (!https && !(http && !https_only)) {
    yaml.fail(node, path,
              std::string("expected an ") + (https_only ? "https" : "http or https") + " URL, got '" + value + "'");
  }
  return value;
}

std::string host_name_or_address(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  std::string value = yaml.string(node, path);
  if (!is_ip_address(value) && !is_dns_name(value)) {
    yaml.fail(node, path, "expected an IP address or a DNS name, got '" + value + "'");
  }
  return value;
}

MachineType machine_type(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  std::string value = yaml.string(node, path);
  if (value == "controlplane") return MachineType::controlplane;
  if (value == "worker") return MachineType::worker;
  yaml.fail(node, path, "unknown machine type '" + value + "' (expected controlplane or worker)");
}

// A control plane node signs serving certificates (its own, and the
// workers' through trustd), so it holds the CA key; a worker must not: its
// config travels to more machines, and the key in it would let anyone who
// reads one sign admin certificates for the whole cluster.
PemCertificateAndKey read_ca(const StrictYaml& yaml, const YAML::Node& node, const std::string& path,
                             MachineType type) {
  yaml.expect_fields(node, path, {"crt", "key"});
  YAML::Node crt_node = yaml.required(node, path, "crt");
  auto crt = read_certificate_field(yaml, crt_node, path + ".crt");
  if (!crt.certificate.is_ca())
    yaml.fail(crt_node, path + ".crt", "the certificate is not a CA (basicConstraints CA:TRUE)");
  auto key_node = yaml.optional(node, "key");
  if (type == MachineType::worker) {
    if (key_node) {
      yaml.fail(*key_node, path + ".key",
                "a worker's config must not carry the CA key: whoever reads it could sign admin certificates for "
                "the whole cluster. Remove " + path + ".key and keep " + path + ".crt (worker.yaml from "
                "`bronzectl gen config` has no key); the worker gets its serving certificate from the control "
                "plane's trustd with machine.token");
    }
    return {crt.pem, ""};
  }
  if (!key_node) {
    yaml.fail(node, path + ".key",
              "missing: a control plane node signs its own serving certificate and the workers' (trustd), so its "
              "config holds the CA key (controlplane.yaml from `bronzectl gen config` has it)");
  }
  auto key = read_private_key_field(yaml, *key_node, path + ".key");
  if (!crt.certificate.matches(key.key)) {
    yaml.fail(*key_node, path + ".key", "the key does not belong to the certificate in " + path + ".crt");
  }
  return {crt.pem, key.pem};
}

std::string join_token(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  std::string value = yaml.string(node, path);
  // The value is a secret: the message describes it without repeating it.
  if (!is_join_token(value)) {
    yaml.fail(node, path,
              "expected a join token: 6 lower-case letters or digits, a dot and 16 more (like " +
                  std::string(kJoinTokenExample) + "; `bronzectl gen token` makes one), got " +
                  std::to_string(value.size()) + " characters of another shape");
  }
  return value;
}

InstallConfig read_install(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  yaml.expect_fields(node, path, {"disk", "image", "wipe", "extraKernelArgs"});
  InstallConfig install;
  YAML::Node disk = yaml.required(node, path, "disk");
  install.disk = word(yaml, disk, path + ".disk");
  if (install.disk.rfind("/dev/", 0) != 0) {
    yaml.fail(disk, path + ".disk", "expected a block device path under /dev/, got '" + install.disk + "'");
  }
  if (auto image = yaml.optional(node, "image")) {
    install.image = yaml.string(*image, path + ".image");
    if (has_space_or_quote(install.image)) yaml.fail(*image, path + ".image", "must not contain spaces or quotes");
  }
  if (auto wipe = yaml.optional(node, "wipe")) install.wipe = yaml.boolean(*wipe, path + ".wipe");
  if (auto args = yaml.optional(node, "extraKernelArgs")) {
    std::string args_path = path + ".extraKernelArgs";
    install.extra_kernel_args = yaml.strings(*args, args_path);
    size_t i = 0;
    for (const auto& arg : *args) word(yaml, arg, args_path + "[" + std::to_string(i++) + "]");
  }
  return install;
}

MachineSection read_machine(const StrictYaml& yaml, const YAML::Node& node) {
  const std::string path = "machine";
  yaml.expect_fields(node, path, {"type", "ca", "token", "certSANs", "network", "time", "registries", "install"});
  MachineSection machine;
  machine.type = machine_type(yaml, yaml.required(node, path, "type"), "machine.type");
  machine.ca = read_ca(yaml, yaml.required(node, path, "ca"), "machine.ca", machine.type);
  machine.token = join_token(yaml, yaml.required(node, path, "token"), "machine.token");
  if (auto sans = yaml.optional(node, "certSANs")) {
    machine.cert_sans = yaml.strings(*sans, "machine.certSANs");
    size_t i = 0;
    for (const auto& san : *sans) host_name_or_address(yaml, san, "machine.certSANs[" + std::to_string(i++) + "]");
  }
  if (auto network = yaml.optional(node, "network")) machine.network = read_network(yaml, *network, "machine.network");
  if (auto time = yaml.optional(node, "time")) machine.time = read_time(yaml, *time, "machine.time");
  if (auto registries = yaml.optional(node, "registries")) {
    machine.registries = read_registries(yaml, *registries, "machine.registries");
  }
  machine.install = read_install(yaml, yaml.required(node, path, "install"), "machine.install");
  return machine;
}

EtcdTlsConfig read_etcd_tls(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  yaml.expect_fields(node, path, {"ca", "crt", "key"});
  YAML::Node ca_node = yaml.required(node, path, "ca");
  YAML::Node crt_node = yaml.required(node, path, "crt");
  YAML::Node key_node = yaml.required(node, path, "key");
  auto ca = read_certificate_field(yaml, ca_node, path + ".ca");
  if (!ca.certificate.is_ca()) {
    yaml.fail(ca_node, path + ".ca",
              "expected the CA certificate that signed etcd's serving certificates, but this is not a CA");
  }
  auto crt = read_certificate_field(yaml, crt_node, path + ".crt");
  if (crt.certificate.is_ca()) {
    yaml.fail(crt_node, path + ".crt",
              "expected a client certificate, but this is a CA certificate: give the node a client certificate "
              "signed by the CA, never the CA itself");
  }
  auto key = read_private_key_field(yaml, key_node, path + ".key");
  if (!crt.certificate.matches(key.key)) {
    yaml.fail(key_node, path + ".key", "the key does not belong to the certificate in " + path + ".crt");
  }
  return {ca.pem, crt.pem, key.pem};
}

EtcdConfig read_etcd(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  yaml.expect_fields(node, path, {"endpoints", "memberName", "tls"});
  EtcdConfig etcd;
  std::optional<YAML::Node> first_https, first_http;
  auto endpoints = yaml.optional(node, "endpoints");
  if (endpoints) {
    etcd.endpoints = yaml.strings(*endpoints, path + ".endpoints");
    size_t i = 0;
    for (const auto& endpoint : *endpoints) {
      std::string endpoint_path = path + ".endpoints[" + std::to_string(i++) + "]";
      std::string value = url(yaml, endpoint, endpoint_path, false);
      auto& first = value.rfind("https://", 0) == 0 ? first_https : first_http;
      if (!first) first.emplace(static_cast<const YAML::Node&>(endpoint));
      if (first_https && first_http) {
        yaml.fail(endpoint, endpoint_path,
                  "mixes http and https endpoints; etcd serves its clients one way: make them all https (with "
                  "tls) or all http");
      }
    }
  }
  if (auto member = yaml.optional(node, "memberName")) etcd.member_name = word(yaml, *member, path + ".memberName");
  if (auto tls = yaml.optional(node, "tls")) {
    etcd.tls = read_etcd_tls(yaml, *tls, path + ".tls");
    if (first_http) {
      yaml.fail(*tls, path + ".tls",
                "is given, but the endpoints are http: TLS needs https endpoints (https://host:2379)");
    }
  } else if (first_https) {
    yaml.fail(*endpoints, path + ".endpoints",
              "https endpoints need " + path + ".tls: the CA of etcd's serving certificates and a client "
              "certificate and key that etcd accepts");
  }
  return etcd;
}

KubernetesConfig read_kubernetes(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  yaml.expect_fields(node, path, {"apiServer", "token"});
  KubernetesConfig kubernetes;
  if (auto api_server = yaml.optional(node, "apiServer")) {
    kubernetes.api_server = url(yaml, *api_server, path + ".apiServer", false);
  }
  if (auto token = yaml.optional(node, "token")) {
    kubernetes.token = word(yaml, *token, path + ".token");
    if (kubernetes.token.front() != '/')
      yaml.fail(*token, path + ".token", "expected an absolute path of a token file");
  }
  return kubernetes;
}

ClusterSection read_cluster(const StrictYaml& yaml, const YAML::Node& node) {
  const std::string path = "cluster";
  yaml.expect_fields(node, path, {"name", "controlPlane", "etcd", "kubernetes"});
  ClusterSection cluster;
  cluster.name = word(yaml, yaml.required(node, path, "name"), "cluster.name");
  YAML::Node control_plane = yaml.required(node, path, "controlPlane");
  yaml.expect_fields(control_plane, "cluster.controlPlane", {"endpoint"});
  cluster.control_plane_endpoint = url(yaml, yaml.required(control_plane, "cluster.controlPlane", "endpoint"),
                                       "cluster.controlPlane.endpoint", true);
  if (auto etcd = yaml.optional(node, "etcd")) cluster.etcd = read_etcd(yaml, *etcd, "cluster.etcd");
  if (auto kubernetes = yaml.optional(node, "kubernetes")) {
    cluster.kubernetes = read_kubernetes(yaml, *kubernetes, "cluster.kubernetes");
  }
  return cluster;
}

void emit_strings(YAML::Emitter& out, const char* key, const std::vector<std::string>& values) {
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const auto& value : values) out << value;
  out << YAML::EndSeq;
}

}  // namespace

std::string_view to_string(MachineType type) { return type == MachineType::controlplane ? "controlplane" : "worker"; }

MachineConfig parse_machine_config(std::string_view text, const std::string& source_name) {
  StrictYaml yaml(source_name);
  YAML::Node root = yaml.load(text);
  yaml.expect_fields(root, "", {"version", "machine", "cluster"});
  MachineConfig config;
  YAML::Node version = yaml.required(root, "", "version");
  config.version = yaml.string(version, "version");
  if (config.version != kMachineConfigVersion) {
    yaml.fail(version, "version",
              "unknown version '" + config.version + "' (expected " + std::string(kMachineConfigVersion) + ")");
  }
  config.machine = read_machine(yaml, yaml.required(root, "", "machine"));
  config.cluster = read_cluster(yaml, yaml.required(root, "", "cluster"));
  return config;
}

MachineConfig load_machine_config(const std::filesystem::path& path) {
  return parse_machine_config(read_file(path), path.string());
}

std::string to_yaml(const MachineConfig& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "version" << YAML::Value << config.version;

  const MachineSection& machine = config.machine;
  out << YAML::Key << "machine" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "type" << YAML::Value << std::string(to_string(machine.type));
  out << YAML::Key << "ca" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "crt" << YAML::Value << base64_encode(machine.ca.crt);
  if (!machine.ca.key.empty()) out << YAML::Key << "key" << YAML::Value << base64_encode(machine.ca.key);
  out << YAML::EndMap;
  out << YAML::Key << "token" << YAML::Value << machine.token;
  emit_strings(out, "certSANs", machine.cert_sans);
  emit_network(out, machine.network);
  emit_time(out, machine.time);
  emit_registries(out, machine.registries);
  out << YAML::Key << "install" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "disk" << YAML::Value << machine.install.disk;
  if (!machine.install.image.empty()) out << YAML::Key << "image" << YAML::Value << machine.install.image;
  out << YAML::Key << "wipe" << YAML::Value << machine.install.wipe;
  emit_strings(out, "extraKernelArgs", machine.install.extra_kernel_args);
  out << YAML::EndMap;
  out << YAML::EndMap;

  const ClusterSection& cluster = config.cluster;
  out << YAML::Key << "cluster" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << cluster.name;
  out << YAML::Key << "controlPlane" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "endpoint" << YAML::Value << cluster.control_plane_endpoint;
  out << YAML::EndMap;
  if (cluster.etcd) {
    out << YAML::Key << "etcd" << YAML::Value << YAML::BeginMap;
    emit_strings(out, "endpoints", cluster.etcd->endpoints);
    if (!cluster.etcd->member_name.empty())
      out << YAML::Key << "memberName" << YAML::Value << cluster.etcd->member_name;
    if (cluster.etcd->tls) {
      out << YAML::Key << "tls" << YAML::Value << YAML::BeginMap;
      out << YAML::Key << "ca" << YAML::Value << base64_encode(cluster.etcd->tls->ca);
      out << YAML::Key << "crt" << YAML::Value << base64_encode(cluster.etcd->tls->crt);
      out << YAML::Key << "key" << YAML::Value << base64_encode(cluster.etcd->tls->key);
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  if (cluster.kubernetes) {
    out << YAML::Key << "kubernetes" << YAML::Value << YAML::BeginMap;
    if (!cluster.kubernetes->api_server.empty()) {
      out << YAML::Key << "apiServer" << YAML::Value << cluster.kubernetes->api_server;
    }
    if (!cluster.kubernetes->token.empty()) out << YAML::Key << "token" << YAML::Value << cluster.kubernetes->token;
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  out << YAML::EndMap;
  if (!out.good()) throw Error("cannot write the machine config as YAML: " + out.GetLastError());
  return std::string(out.c_str()) + "\n";
}

}  // namespace bronze::config
