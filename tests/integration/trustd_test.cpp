// The cluster PKI with machined run as host processes: a control plane node
// (its config holds the CA key and the join token) serves trustd; a worker
// (CA certificate and token only) gets its serving certificate from it and
// serves the node API with it. Tried as an attacker who holds a worker's
// config would: a certificate trustd signs never opens the API as a client;
// trustd refuses a missing or wrong token and logs it; a worker does not
// show its token to a trustd of another CA; rotating the token in the
// control plane's config revokes the old one.

#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>

#include <nlohmann/json.hpp>

#include "api/machine.grpc.pb.h"
#include "api/security.grpc.pb.h"
#include "base/error.h"
#include "base/files.h"
#include "client_config/client_config.h"
#include "machine_config/machine_config.h"
#include "pki/pki.h"
#include "tests/support/bronzectl_cli.h"
#include "tests/support/host_node.h"
#include "tests/support/image_fixture.h"
#include "tests/support/qemu.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;
namespace v1 = bronze::machine::v1alpha1;
namespace security = bronze::security::v1alpha1;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct TrustdAnswer {
  grpc::Status status;
  security::CertificateResponse response;
};

class TrustdTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("bronze-trustd-test");
    const fs::path& d = dir_->path();
    make_key_pair(d);
    gen_config(d / "cluster", "demo");
    gen_config(d / "other", "other");
    build_image(d / "v1", "v1", d / "key.pem");
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override {
    static int n = 0;
    work_ = dir_->path() / ("run-" + std::to_string(++n));
    fs::create_directories(work_);
  }

  HostNodeOptions options(const std::string& name, const fs::path& config) const {
    HostNodeOptions o;
    o.disk = work_ / (name + ".raw");
    if (!fs::exists(o.disk)) copy_sparse(dir_->path() / "v1/metal-amd64.raw", o.disk);
    o.trust = dir_->path() / "key.pub";
    o.work_dir = work_ / name;
    o.config = config;
    o.hostname = name;
    return o;
  }

  std::unique_ptr<HostNode> control_plane(const fs::path& config, int trustd_port) const {
    auto o = options("cp", config);
    o.trustd_port = trustd_port;
    return std::make_unique<HostNode>(o);
  }

  std::unique_ptr<HostNode> worker(const std::string& name, const fs::path& config, const HostNode& cp) const {
    auto o = options(name, config);
    o.trustd_endpoint = cp.trustd_endpoint();
    return std::make_unique<HostNode>(o);
  }

  // A worker that gives up after `attempts` failed requests: its output.
  HostRun failing_worker(const std::string& name, const fs::path& config, const std::string& trustd,
                         int attempts) const {
    auto o = options(name, config);
    o.trustd_endpoint = trustd;
    fs::create_directories(o.work_dir);
    auto argv = machined_argv(o, free_local_port());
    argv.erase(argv.begin());
    argv.insert(argv.end(), {"--trustd-attempts", std::to_string(attempts)});
    return run_machined(argv);
  }

  // A certificate request straight to trustd, as anyone could send one.
  static TrustdAnswer call_trustd(const std::string& endpoint, const std::optional<std::string>& token,
                                  const std::string& csr_pem) {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = cluster_ca();
    auto stub = security::SecurityService::NewStub(grpc::CreateChannel(endpoint, grpc::SslCredentials(tls)));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (token) context.AddMetadata("token", *token);
    security::CertificateRequest request;
    request.set_csr(csr_pem);
    TrustdAnswer answer;
    answer.status = stub->Certificate(&context, request, &answer.response);
    return answer;
  }

  static std::string csr(const config::PrivateKey& key) {
    return config::CertificateRequest::create(key, "intruder", {"127.0.0.1", "intruder.example"}).to_pem();
  }

  // Version on `endpoint` over mutual TLS with this client certificate.
  static grpc::Status version_with(const std::string& endpoint, const std::string& crt, const std::string& key) {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = cluster_ca();
    tls.pem_cert_chain = crt;
    tls.pem_private_key = key;
    auto stub = v1::MachineService::NewStub(grpc::CreateChannel(endpoint, grpc::SslCredentials(tls)));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::VersionResponse response;
    auto status = stub->Version(&context, v1::VersionRequest{}, &response);
    if (status.ok() && response.version().empty()) return grpc::Status(grpc::StatusCode::INTERNAL, "empty answer");
    return status;
  }

  // The certificate a node serves its API with, as `openssl s_client` sees it.
  config::Certificate served_certificate(const std::string& endpoint) const {
    auto admin = config::load_client_config(admin_config()).select();
    write_file(work_ / "admin.crt", admin.crt);
    write_file(work_ / "admin.key", admin.key);
    auto r = run({"openssl", "s_client", "-connect", endpoint, "-cert", (work_ / "admin.crt").string(), "-key",
                  (work_ / "admin.key").string(), "-alpn", "h2"});
    auto begin = r.out.find("-----BEGIN CERTIFICATE-----");
    auto end = r.out.find("-----END CERTIFICATE-----");
    if (begin == std::string::npos || end == std::string::npos) {
      throw Error("no certificate from " + endpoint + ":\n" + r.out + r.err);
    }
    return config::Certificate::from_pem(r.out.substr(begin, end - begin) + "-----END CERTIFICATE-----\n");
  }

  static std::string cluster_ca() { return config::load_machine_config(controlplane_yaml()).machine.ca.crt; }
  static std::string token() { return config::load_machine_config(controlplane_yaml()).machine.token; }
  static fs::path controlplane_yaml() { return dir_->path() / "cluster/controlplane.yaml"; }
  static fs::path worker_yaml() { return dir_->path() / "cluster/worker.yaml"; }
  static fs::path admin_config() { return dir_->path() / "cluster/bronzeconfig"; }

  // `config` with its machine.token replaced, written to `name` in the run's folder.
  fs::path with_token(const fs::path& config, const std::string& token, const std::string& name) const {
    auto c = config::load_machine_config(config);
    c.machine.token = token;
    fs::path out = work_ / name;
    write_file(out, config::to_yaml(c));
    return out;
  }

  static TempDir* dir_;
  fs::path work_;
};

TempDir* TrustdTest::dir_ = nullptr;

TEST_F(TrustdTest, AWorkerServesTheApiWithTheCertificateTrustdSignedForIt) {
  EXPECT_EQ(read_file(worker_yaml()).find("key:"), std::string::npos) << "the worker's config holds a key";
  auto cp = control_plane(controlplane_yaml(), free_local_port());
  ASSERT_FALSE(cp->trustd_endpoint().empty()) << cp->log();
  auto w = worker("w-1", worker_yaml(), *cp);
  EXPECT_TRUE(contains(w->log(), "machined: asking trustd at " + cp->trustd_endpoint())) << w->log();
  EXPECT_TRUE(contains(w->log(), "trustd: serving certificate from " + cp->trustd_endpoint() + " (attempt 1"))
      << w->log();
  EXPECT_TRUE(contains(w->log(), "(mutual TLS; worker, CA demo)")) << w->log();
  EXPECT_FALSE(contains(w->log(), "machined: trustd on")) << "a worker serves no trustd";
  EXPECT_TRUE(contains(cp->log(), "trustd: signed a serving certificate for w-1 at ipv4:127.0.0.1:")) << cp->log();

  // The admin reaches the worker over mutual TLS, checking it against the CA.
  auto version = run_bronzectl({"--bronzeconfig", admin_config().string(), "-e", w->endpoint(), "--json", "version"});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  EXPECT_EQ(nlohmann::json::parse(version.out).at(0)["machine_type"], "worker");

  // What the worker serves with: signed by the cluster CA, for servers only,
  // no role, its own names.
  auto served = served_certificate(w->endpoint());
  auto ca = config::Certificate::from_pem(cluster_ca());
  EXPECT_NO_THROW(config::verify_certificate(served, ca, std::chrono::system_clock::now()));
  EXPECT_EQ(served.common_name(), "w-1");
  EXPECT_TRUE(served.organizations().empty());
  EXPECT_FALSE(served.allows_client_auth());
  EXPECT_FALSE(served.is_ca());
  auto ips = served.ip_addresses();
  EXPECT_NE(std::find(ips.begin(), ips.end(), "127.0.0.1"), ips.end());
  EXPECT_NE(served.sha256_fingerprint(), served_certificate(cp->endpoint()).sha256_fingerprint());
}

// Whoever holds a worker's config (and so the token) can get a certificate
// from trustd; it must never open the node API as a client.
TEST_F(TrustdTest, ACertificateFromTrustdIsNeverAnApiClient) {
  auto cp = control_plane(controlplane_yaml(), free_local_port());
  auto w = worker("w-1", worker_yaml(), *cp);
  auto key = config::PrivateKey::generate();
  auto answer = call_trustd(cp->trustd_endpoint(), token(), csr(key));
  ASSERT_TRUE(answer.status.ok()) << answer.status.error_message();
  EXPECT_EQ(answer.response.ca(), cluster_ca());
  auto issued = config::Certificate::from_pem(answer.response.crt());
  EXPECT_TRUE(issued.matches(key));
  EXPECT_FALSE(issued.allows_client_auth());
  EXPECT_TRUE(issued.organizations().empty());

  for (const HostNode* node : {cp.get(), w.get()}) {
    auto status = version_with(node->endpoint(), answer.response.crt(), key.to_pem());
    EXPECT_FALSE(status.ok()) << node->endpoint();
    EXPECT_TRUE(status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                status.error_code() == grpc::StatusCode::PERMISSION_DENIED)
        << status.error_code() << ": " << status.error_message();
  }
  // Nor through bronzectl, with a client config built around it.
  config::ClientConfig forged = config::load_client_config(admin_config());
  auto& context = forged.contexts.at(forged.context);
  context.crt = answer.response.crt();
  context.key = key.to_pem();
  config::write_client_config(forged, work_ / "forged-config");
  for (const char* call : {"version", "reboot"}) {
    auto r = run_bronzectl({"--bronzeconfig", (work_ / "forged-config").string(), "-e", w->endpoint(), call});
    EXPECT_EQ(r.exit_code, 1) << call << ": " << r.out;
  }
  EXPECT_TRUE(w->wait_exit(0) == -1) << "the worker went away:\n" << w->log();

  // The node API is not served on trustd's port.
  auto admin = config::load_client_config(admin_config()).select();
  auto through_trustd = version_with(cp->trustd_endpoint(), admin.crt, admin.key);
  EXPECT_EQ(through_trustd.error_code(), grpc::StatusCode::UNIMPLEMENTED) << through_trustd.error_message();
}

TEST_F(TrustdTest, AMissingOrWrongTokenIsRefusedAndLogged) {
  auto cp = control_plane(controlplane_yaml(), free_local_port());
  auto key = config::PrivateKey::generate();
  auto none = call_trustd(cp->trustd_endpoint(), std::nullopt, csr(key));
  EXPECT_EQ(none.status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << none.status.error_message();
  EXPECT_TRUE(contains(none.status.error_message(), "join token")) << none.status.error_message();
  auto wrong = call_trustd(cp->trustd_endpoint(), "abcdef.0123456789abcdef", csr(key));
  EXPECT_EQ(wrong.status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << wrong.status.error_message();
  // A token of another cluster, and ours with a character more.
  auto other = config::load_machine_config(dir_->path() / "other/worker.yaml").machine.token;
  EXPECT_EQ(call_trustd(cp->trustd_endpoint(), other, csr(key)).status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(call_trustd(cp->trustd_endpoint(), token() + "a", csr(key)).status.error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(none.response.crt().empty() && wrong.response.crt().empty());
  EXPECT_TRUE(contains(cp->log(), "trustd: refused a certificate request from ipv4:127.0.0.1:")) << cp->log();
  EXPECT_TRUE(contains(cp->log(), "it shows no join token")) << cp->log();
  EXPECT_TRUE(contains(cp->log(), "wrong join token")) << cp->log();
  EXPECT_FALSE(contains(cp->log(), "trustd: signed")) << cp->log();

  // A worker with a wrong token retries, logging each attempt, then (here,
  // with a bound) gives up without serving the API.
  auto r = failing_worker("w-bad", with_token(worker_yaml(), "abcdef.0123456789abcdef", "w-bad.yaml"),
                          cp->trustd_endpoint(), 2);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "trustd: attempt 1 at " + cp->trustd_endpoint() + " failed: UNAUTHENTICATED")) << r.output;
  EXPECT_TRUE(contains(r.output, "trying again in 1 s")) << r.output;
  EXPECT_TRUE(contains(r.output, "trustd: attempt 2 at")) << r.output;
  EXPECT_TRUE(contains(r.output, "after 2 attempts")) << r.output;
  EXPECT_FALSE(contains(r.output, "machined: API on")) << r.output;
}

// The worker sends its token only to a trustd whose certificate is from its
// own CA: another cluster's control plane (or anyone) learns nothing.
TEST_F(TrustdTest, AWorkerShowsItsTokenOnlyToATrustdOfItsCa) {
  auto stranger = control_plane(with_token(dir_->path() / "other/controlplane.yaml", token(), "stranger.yaml"),
                                free_local_port());
  auto r = failing_worker("w-1", worker_yaml(), stranger->trustd_endpoint(), 1);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "trustd: attempt 1 at " + stranger->trustd_endpoint() + " failed: UNAVAILABLE"))
      << r.output;
  EXPECT_FALSE(contains(stranger->log(), "trustd: signed")) << stranger->log();
  EXPECT_FALSE(contains(stranger->log(), "trustd: refused")) << stranger->log();
}

// Revoking a token is rotating it: the control plane takes only the token
// of its current config.
TEST_F(TrustdTest, RotatingTheTokenRevokesTheOldOne) {
  int trustd_port = free_local_port();
  auto cp = control_plane(controlplane_yaml(), trustd_port);
  std::string trustd = cp->trustd_endpoint();
  auto w = worker("w-1", worker_yaml(), *cp);
  EXPECT_TRUE(contains(w->log(), "trustd: serving certificate from")) << w->log();
  w->stop();
  EXPECT_EQ(call_trustd(trustd, "abcdef.0123456789abcdef", csr(config::PrivateKey::generate())).status.error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // The control plane restarts with a new token.
  auto new_token = run_bronzectl({"gen", "token"});
  ASSERT_EQ(new_token.exit_code, 0) << new_token.err;
  std::string rotated = new_token.out.substr(0, new_token.out.find('\n'));
  ASSERT_NE(rotated, token());
  cp->stop();
  cp = control_plane(with_token(controlplane_yaml(), rotated, "cp-rotated.yaml"), trustd_port);
  ASSERT_EQ(cp->trustd_endpoint(), trustd);

  // The old token, revoked: refused, to a worker and to a direct request.
  auto old = failing_worker("w-1", worker_yaml(), trustd, 1);
  EXPECT_EQ(old.exit_code, 1) << old.output;
  EXPECT_TRUE(contains(old.output, "failed: UNAUTHENTICATED")) << old.output;
  EXPECT_TRUE(contains(old.output, "revoked")) << old.output;
  EXPECT_EQ(call_trustd(trustd, token(), csr(config::PrivateKey::generate())).status.error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(contains(cp->log(), "wrong join token")) << cp->log();

  // The new one works.
  auto joined = worker("w-2", with_token(worker_yaml(), rotated, "w-rotated.yaml"), *cp);
  EXPECT_TRUE(contains(joined->log(), "trustd: serving certificate from " + trustd)) << joined->log();
  auto version = run_bronzectl({"--bronzeconfig", admin_config().string(), "-e", joined->endpoint(), "version"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_TRUE(call_trustd(trustd, rotated, csr(config::PrivateKey::generate())).status.ok());
}

}  // namespace
}  // namespace bronze::test
