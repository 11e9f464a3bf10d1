#include "machine_config/machine_config.h"

#include <gtest/gtest.h>

#include "base/base64.h"
#include "base/error.h"
#include "base/files.h"
#include "tests/support/test_configs.h"

namespace bronze::config {
namespace {

using testing::expect_machine_config_error;
using testing::machine_config_error;
using testing::machine_yaml;
using testing::replace_line;
using testing::test_ca;

std::string crt64() { return base64_encode(test_ca().certificate.to_pem()); }
std::string key64() { return base64_encode(test_ca().key.to_pem()); }

// etcd's CA is not the machine CA: another cluster's secrets.
const CertificateAuthority& etcd_ca() { return testing::other_test_ca(); }
const CertificateAndKey& etcd_client() {
  static const CertificateAndKey client =
      issue_plain_client_certificate(etcd_ca(), "cp-1", {}, valid_for(std::chrono::hours(1)));
  return client;
}

// cluster.etcd from line 19 on: 20 endpoints, 21 tls, 22 ca, 23 crt, 24 key.
std::string etcd_tls_yaml(const std::string& endpoints, const std::string& ca, const std::string& crt,
                          const std::string& key) {
  return machine_yaml() + "  etcd:\n    endpoints: " + endpoints + "\n    tls:\n      ca: " + ca +
         "\n      crt: " + crt + "\n      key: " + key + "\n";
}
std::string etcd_tls_yaml(const std::string& endpoints) {
  return etcd_tls_yaml(endpoints, base64_encode(etcd_ca().certificate.to_pem()),
                       base64_encode(etcd_client().certificate.to_pem()), base64_encode(etcd_client().key.to_pem()));
}


TEST(MachineConfig, ParsesAValidConfig) {
  MachineConfig config = parse_machine_config(machine_yaml(), "node.yaml");
  EXPECT_EQ(config.version, "v1alpha1");
  EXPECT_EQ(config.machine.type, MachineType::controlplane);
  EXPECT_EQ(config.machine.ca.crt, test_ca().certificate.to_pem());
  EXPECT_EQ(config.machine.ca.key, test_ca().key.to_pem());
  EXPECT_EQ(config.machine.token, testing::kTestToken);
  EXPECT_EQ(config.machine.cert_sans, (std::vector<std::string>{"10.0.0.1", "node-1.example.com"}));
  EXPECT_EQ(config.machine.network.hostname, "node-1");
  EXPECT_EQ(config.machine.install.disk, "/dev/vda");
  EXPECT_EQ(config.machine.install.image, "127.0.0.1:5000/bronze/installer:v1");
  EXPECT_FALSE(config.machine.install.wipe);
  EXPECT_EQ(config.machine.install.extra_kernel_args, std::vector<std::string>{"console=ttyS0"});
  EXPECT_EQ(config.cluster.name, "demo");
  EXPECT_EQ(config.cluster.control_plane_endpoint, "https://127.0.0.1:6443");
  EXPECT_FALSE(config.cluster.etcd);
  EXPECT_FALSE(config.cluster.kubernetes);
}

TEST(MachineConfig, OptionalFieldsMayBeLeftOut) {
  std::string text =
      "version: v1alpha1\n"
      "machine:\n"
      "  type: worker\n"
      "  ca: {crt: " + crt64() + "}\n"
      "  token: " + testing::kTestToken + "\n"
      "  network:\n"
      "    hostname:\n"
      "  install: {disk: /dev/sda}\n"
      "cluster: {name: demo, controlPlane: {endpoint: 'https://[fd00::1]:6443'}}\n";
  MachineConfig config = parse_machine_config(text, "node.yaml");
  EXPECT_EQ(config.machine.type, MachineType::worker);
  EXPECT_EQ(config.machine.ca.crt, test_ca().certificate.to_pem());
  EXPECT_EQ(config.machine.ca.key, "");
  EXPECT_TRUE(config.machine.cert_sans.empty());
  EXPECT_EQ(config.machine.network.hostname, "");
  EXPECT_EQ(config.machine.install.image, "");
  EXPECT_FALSE(config.machine.install.wipe);
  EXPECT_TRUE(config.machine.install.extra_kernel_args.empty());
}

TEST(MachineConfig, ReadsEtcdAndKubernetes) {
  std::string text = machine_yaml() +
                     "  etcd:\n"
                     "    endpoints: [http://127.0.0.1:2379]\n"
                     "    memberName: node-1\n"
                     "  kubernetes:\n"
                     "    apiServer: https://127.0.0.1:6443\n"
                     "    token: /var/lib/bronze/kube-token\n";
  MachineConfig config = parse_machine_config(text, "node.yaml");
  ASSERT_TRUE(config.cluster.etcd);
  EXPECT_EQ(config.cluster.etcd->endpoints, std::vector<std::string>{"http://127.0.0.1:2379"});
  EXPECT_EQ(config.cluster.etcd->member_name, "node-1");
  ASSERT_TRUE(config.cluster.kubernetes);
  EXPECT_EQ(config.cluster.kubernetes->api_server, "https://127.0.0.1:6443");
  EXPECT_EQ(config.cluster.kubernetes->token, "/var/lib/bronze/kube-token");
}

TEST(MachineConfig, ReadsEtcdTls) {
  MachineConfig config = parse_machine_config(etcd_tls_yaml("[https://10.0.0.1:2379, https://10.0.0.2:2379]"), "node.yaml");
  ASSERT_TRUE(config.cluster.etcd);
  ASSERT_TRUE(config.cluster.etcd->tls);
  EXPECT_EQ(config.cluster.etcd->tls->ca, etcd_ca().certificate.to_pem());
  EXPECT_EQ(config.cluster.etcd->tls->crt, etcd_client().certificate.to_pem());
  EXPECT_EQ(config.cluster.etcd->tls->key, etcd_client().key.to_pem());
}

TEST(MachineConfigErrors, EtcdTlsAndEndpointSchemesMustAgree) {
  // https without tls: nothing to trust etcd with, nothing to show it.
  expect_machine_config_error(machine_yaml() + "  etcd:\n    endpoints: [https://10.0.0.1:2379]\n", "21:16", "cluster.etcd.endpoints",
               "https endpoints need cluster.etcd.tls");
  // tls with http: it would never be used.
  expect_machine_config_error(etcd_tls_yaml("[http://10.0.0.1:2379]"), "23:7", "cluster.etcd.tls",
               "the endpoints are http: TLS needs https endpoints");
  // A mix, either way round, names the first endpoint that breaks it.
  expect_machine_config_error(etcd_tls_yaml("[https://10.0.0.1:2379, http://10.0.0.2:2379]"), "21:40", "cluster.etcd.endpoints[1]",
               "mixes http and https endpoints");
  expect_machine_config_error(machine_yaml() + "  etcd:\n    endpoints: [http://10.0.0.1:2379, https://10.0.0.2:2379]\n", "21:39",
               "cluster.etcd.endpoints[1]", "mixes http and https endpoints");
}

TEST(MachineConfigErrors, EtcdTlsFields) {
  const std::string ca = base64_encode(etcd_ca().certificate.to_pem());
  const std::string crt = base64_encode(etcd_client().certificate.to_pem());
  const std::string key = base64_encode(etcd_client().key.to_pem());
  const std::string https = "[https://10.0.0.1:2379]";
  // A key that is not the certificate's, checked at parse.
  auto other = issue_plain_client_certificate(etcd_ca(), "cp-2", {}, valid_for(std::chrono::hours(1)));
  expect_machine_config_error(etcd_tls_yaml(https, ca, crt, base64_encode(other.key.to_pem())), "25:12", "cluster.etcd.tls.key",
               "does not belong to the certificate in cluster.etcd.tls.crt");
  // Least privilege: the node never gets the CA itself as its identity.
  expect_machine_config_error(etcd_tls_yaml(https, ca, ca, base64_encode(etcd_ca().key.to_pem())), "24:12", "cluster.etcd.tls.crt",
               "this is a CA certificate");
  expect_machine_config_error(etcd_tls_yaml(https, crt, crt, key), "23:11", "cluster.etcd.tls.ca", "this is not a CA");
  expect_machine_config_error(etcd_tls_yaml(https, "not*base64", crt, key), "23:11", "cluster.etcd.tls.ca", "not valid base64");
  expect_machine_config_error(etcd_tls_yaml(https, ca, base64_encode("hello"), key), "24:12", "cluster.etcd.tls.crt",
               "PEM X.509 certificate");
  expect_machine_config_error(etcd_tls_yaml(https, ca, crt, base64_encode("hello")), "25:12", "cluster.etcd.tls.key", "PEM private key");
  // No field for a CA key, and the three are required.
  expect_machine_config_error(etcd_tls_yaml(https) + "      caKey: " + key + "\n", "26:7", "cluster.etcd.tls.caKey", "unknown field");
  expect_machine_config_error(machine_yaml() + "  etcd:\n    endpoints: " + https + "\n    tls: {ca: " + ca + ", crt: " + crt + "}\n",
               "22:10", "cluster.etcd.tls.key", "missing");
}

TEST(MachineConfig, RoundTrips) {
  MachineConfig config = parse_machine_config(machine_yaml(), "node.yaml");
  config.machine.install.wipe = true;
  config.cluster.etcd = EtcdConfig{{"http://127.0.0.1:2379", "http://10.0.0.2:2379"}, "cp-1", std::nullopt};
  config.cluster.kubernetes = KubernetesConfig{"https://127.0.0.1:6443", "/var/lib/token"};
  std::string text = to_yaml(config);
  EXPECT_EQ(parse_machine_config(text, "written.yaml"), config) << text;
  EXPECT_EQ(to_yaml(parse_machine_config(text, "written.yaml")), text);

  MachineConfig worker = parse_machine_config(testing::worker_yaml(), "worker.yaml");
  std::string worker_text = to_yaml(worker);
  EXPECT_EQ(worker_text.find("key:"), std::string::npos) << worker_text;
  EXPECT_EQ(parse_machine_config(worker_text, "written.yaml"), worker) << worker_text;

  MachineConfig tls = config;
  auto client = etcd_client();
  tls.cluster.etcd = EtcdConfig{{"https://127.0.0.1:2379", "https://10.0.0.2:2379"}, "cp-1",
                                EtcdTlsConfig{etcd_ca().certificate.to_pem(), client.certificate.to_pem(),
                                              client.key.to_pem()}};
  std::string tls_text = to_yaml(tls);
  EXPECT_EQ(parse_machine_config(tls_text, "written.yaml"), tls) << tls_text;
  EXPECT_EQ(to_yaml(parse_machine_config(tls_text, "written.yaml")), tls_text);

  MachineConfig minimal = config;
  minimal.machine.network.hostname.clear();
  minimal.machine.install.image.clear();
  minimal.machine.cert_sans.clear();
  minimal.cluster.etcd.reset();
  minimal.cluster.kubernetes = KubernetesConfig{};
  EXPECT_EQ(parse_machine_config(to_yaml(minimal), "written.yaml"), minimal) << to_yaml(minimal);
}

TEST(MachineConfig, LoadNamesTheFile) {
  TempDir dir;
  auto path = dir.path() / "worker.yaml";
  write_file(path, replace_line(machine_yaml(), 3, "  type: gateway"));
  try {
    load_machine_config(path);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path.string() + ":3:9: machine.type", 0), 0u) << e.what();
  }
  write_file(path, machine_yaml());
  EXPECT_EQ(load_machine_config(path).cluster.name, "demo");
}

TEST(MachineConfigErrors, MalformedYaml) {
  expect_machine_config_error(replace_line(machine_yaml(), 14, "    extraKernelArgs: [console=ttyS0"), "15:8", "", "malformed YAML");
  expect_machine_config_error("version: v1alpha1\nmachine: {type: worker\n", "3:1", "", "malformed YAML");
  // yaml-cpp would loop for ever on these two.
  expect_machine_config_error(",version: v1alpha1\n", "1:1", "", "malformed YAML: expected the end of the document");
  expect_machine_config_error(std::string("version: v1alpha1\n\0,,,,,,\n", 26), "2:1", "", "control character 0x00");
}

TEST(MachineConfigErrors, UnknownFieldNested) {
  expect_machine_config_error(replace_line(machine_yaml(), 13, "    wipes: false"), "13:5", "machine.install.wipes", "unknown field");
  expect_machine_config_error(machine_yaml() + "extra: 1\n", "20:1", "extra", "unknown field");
  expect_machine_config_error(machine_yaml() + "  etcd: {endpoint: x}\n", "20:10", "cluster.etcd.endpoint", "unknown field");
}

TEST(MachineConfigErrors, WrongType) {
  expect_machine_config_error(replace_line(machine_yaml(), 13, "    wipe: \"false\""), "13:11", "machine.install.wipe",
               "expected true or false, got the string \"false\"");
  expect_machine_config_error(replace_line(machine_yaml(), 13, "    wipe: yes"), "13:11", "machine.install.wipe",
               "expected true or false");
  expect_machine_config_error(replace_line(machine_yaml(), 7, "  certSANs: {a: b}"), "7:13", "machine.certSANs",
               "expected a list of strings, got a mapping");
  expect_machine_config_error(replace_line(machine_yaml(), 7, "  certSANs: [[a]]"), "7:14", "machine.certSANs[0]",
               "expected a string, got a list");
  expect_machine_config_error(replace_line(replace_line(machine_yaml(), 8, "  network: node-1"), 9, "  # no hostname"), "8:12",
               "machine.network",
               "expected a mapping with hostname, nameservers, searchDomains, interfaces, got the value 'node-1'");
}

TEST(MachineConfigErrors, MissingFields) {
  expect_machine_config_error(replace_line(machine_yaml(), 1, "# no version"), "2:1", "version", "missing");
  expect_machine_config_error(replace_line(machine_yaml(), 11, "    # no disk"), "12:5", "machine.install.disk", "missing");
  expect_machine_config_error("", "1:1", "", "expected a mapping");
}

TEST(MachineConfigErrors, UnknownVersion) {
  expect_machine_config_error(replace_line(machine_yaml(), 1, "version: v1alpha2"), "1:10", "version", "unknown version 'v1alpha2'");
}

TEST(MachineConfigErrors, UnknownMachineType) {
  expect_machine_config_error(replace_line(machine_yaml(), 3, "  type: gateway"), "3:9", "machine.type",
               "unknown machine type 'gateway' (expected controlplane or worker)");
}

TEST(MachineConfigErrors, BadCa) {
  expect_machine_config_error(machine_yaml("not*base64", key64()), "5:10", "machine.ca.crt", "not valid base64");
  expect_machine_config_error(machine_yaml(base64_encode("hello"), key64()), "5:10", "machine.ca.crt", "PEM X.509 certificate");
  expect_machine_config_error(machine_yaml(crt64(), base64_encode("hello")), "6:10", "machine.ca.key", "PEM private key");
  auto leaf = issue_client_certificate(test_ca(), "admin", kRoleAdmin, valid_for(std::chrono::hours(1)).not_before,
                                       valid_for(std::chrono::hours(1)).not_after);
  expect_machine_config_error(machine_yaml(base64_encode(leaf.certificate.to_pem()), base64_encode(leaf.key.to_pem())), "5:10",
               "machine.ca.crt", "not a CA");
}

TEST(MachineConfigErrors, CaKeyNotMatchingItsCertificate) {
  expect_machine_config_error(machine_yaml(crt64(), base64_encode(testing::other_test_ca().key.to_pem())), "6:10", "machine.ca.key",
               "does not belong to the certificate in machine.ca.crt");
}

// The CA key belongs on control plane nodes only; a worker's config that
// carries one is refused, saying why and what to do.
TEST(MachineConfigErrors, WorkerWithTheCaKey) {
  std::string with_key = replace_line(machine_yaml(), 3, "  type: worker");
  std::string error = machine_config_error(with_key);
  EXPECT_EQ(error.rfind("node.yaml:6:10: machine.ca.key: a worker's config must not carry the CA key", 0), 0u) << error;
  EXPECT_NE(error.find("could sign admin certificates"), std::string::npos) << error;
  EXPECT_NE(error.find("Remove machine.ca.key"), std::string::npos) << error;
  EXPECT_NE(error.find("trustd"), std::string::npos) << error;
  EXPECT_EQ(machine_config_error(testing::worker_yaml()), "");
}

TEST(MachineConfigErrors, ControlPlaneWithoutTheCaKey) {
  std::string without_key = replace_line(machine_yaml(), 6, "    # no key");
  expect_machine_config_error(without_key, "5:5", "machine.ca.key", "missing: a control plane node signs its own serving certificate");
}

TEST(MachineConfigErrors, JoinToken) {
  expect_machine_config_error(replace_line(machine_yaml(), 15, "  # no token"), "3:3", "machine.token", "missing");
  for (const char* bad : {"abcdef0123456789abcdef", "ABCDEF.0123456789abcdef", "abcde.0123456789abcdefg",
                          "abcdef.0123456789abcde", "abcdef.0123456789abcdef0", "abcdef.0123456789abcde_",
                          "abcdef-0123456789abcdef", "\"\""}) {
    std::string error = machine_config_error(replace_line(machine_yaml(), 15, std::string("  token: ") + bad));
    EXPECT_EQ(error.rfind("node.yaml:15:10: machine.token: expected a join token", 0), 0u) << bad << ": " << error;
  }
  // The token is a secret: a malformed one is described, not repeated.
  std::string error = machine_config_error(replace_line(machine_yaml(), 15, "  token: s3cret.Value-not-a-token"));
  EXPECT_EQ(error.find("s3cret"), std::string::npos) << error;
  expect_machine_config_error(replace_line(machine_yaml(), 15, "  token: [a]"), "15:10", "machine.token", "expected a string");
}

TEST(MachineConfigErrors, ValuesOutOfShape) {
  expect_machine_config_error(replace_line(machine_yaml(), 19, "    endpoint: http://127.0.0.1:6443"), "19:15",
               "cluster.controlPlane.endpoint", "expected an https URL");
  expect_machine_config_error(replace_line(machine_yaml(), 11, "    disk: vda"), "11:11", "machine.install.disk", "/dev/");
  expect_machine_config_error(replace_line(machine_yaml(), 7, "  certSANs: [\"a b\"]"), "7:14", "machine.certSANs[0]",
               "IP address or a DNS name");
  expect_machine_config_error(replace_line(machine_yaml(), 14, "    extraKernelArgs: [\"a b\"]"), "14:23",
               "machine.install.extraKernelArgs[0]", "spaces");
  expect_machine_config_error(machine_yaml() + "  kubernetes: {token: relative}\n", "20:23", "cluster.kubernetes.token", "absolute");
}

TEST(MachineConfigErrors, RepeatedFieldsAndDocuments) {
  expect_machine_config_error(replace_line(machine_yaml(), 12, "    disk: /dev/vdb"), "12:5", "machine.install.disk", "given twice");
  expect_machine_config_error(machine_yaml() + "---\nversion: v1alpha1\n", "20:1", "", "one document per file");
}

}  // namespace
}  // namespace bronze::config
