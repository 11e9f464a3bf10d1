// What trustd signs for a worker's certificate request, tried as an
// attacker holding the join token would: whatever the request asks, the
// certificate serves TLS and nothing else, carries no role, and names only
// addresses and host names.

#include <gtest/gtest.h>

#include <algorithm>

#include "base/base64.h"
#include "base/error.h"
#include "base/files.h"
#include "base/subprocess.h"
#include "pki/pki.h"
#include "tests/support/test_configs.h"

namespace bronze::config {
namespace {

using namespace std::chrono_literals;
using testing::test_ca;

TimePoint now() { return std::chrono::system_clock::now(); }

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// Requests and certificates made by the openssl command, as someone who
// does not use our code would make them.
class HandMade : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_.path() / "ca.pem", test_ca().certificate.to_pem());
    write_file(dir_.path() / "ca.key", test_ca().key.to_pem());
    key_ = PrivateKey::generate();
    write_file(dir_.path() / "key.pem", key_.to_pem());
  }

  // `openssl req` with this subject and these -addext values, for `key`.
  std::string request(const std::string& subject, const std::vector<std::string>& extensions,
                      const std::string& key = "key.pem") {
    std::vector<std::string> argv = {"openssl", "req", "-new", "-key", (dir_.path() / key).string(), "-subj", subject};
    for (const auto& e : extensions) argv.insert(argv.end(), {"-addext", e});
    return run_checked(argv).out;
  }

  // `openssl x509 -req` signed by the test CA with these extensions.
  Certificate signed_by_test_ca(const std::string& csr, const std::string& extensions) {
    write_file(dir_.path() / "req.csr", csr);
    write_file(dir_.path() / "ext.cnf", extensions);
    auto r = run_checked({"openssl", "x509", "-req", "-in", (dir_.path() / "req.csr").string(), "-CA",
                          (dir_.path() / "ca.pem").string(), "-CAkey", (dir_.path() / "ca.key").string(), "-days",
                          "1", "-extfile", (dir_.path() / "ext.cnf").string()});
    return Certificate::from_pem(r.out);
  }

  TempDir dir_;
  PrivateKey key_;
};

TEST(ServingCertificate, OurRequestGetsAServingCertificateForItsKeyAndNames) {
  auto key = PrivateKey::generate();
  auto request = CertificateRequest::create(key, "worker-1", {"10.0.0.7", "::1", "worker-1.example.com"});
  auto parsed = CertificateRequest::from_pem(request.to_pem());
  EXPECT_EQ(parsed.common_name(), "worker-1");
  auto validity = valid_for(24h);
  auto issued = issue_serving_certificate(test_ca(), parsed, validity);
  const Certificate& c = issued.certificate;
  EXPECT_TRUE(c.matches(key));
  EXPECT_EQ(c.common_name(), "worker-1");
  EXPECT_TRUE(c.organizations().empty());
  EXPECT_EQ(c.ip_addresses(), (std::vector<std::string>{"10.0.0.7", "::1"}));
  EXPECT_EQ(c.dns_names(), std::vector<std::string>{"worker-1.example.com"});
  EXPECT_EQ(issued.dropped, 0u);
  EXPECT_FALSE(c.is_ca());
  EXPECT_FALSE(c.allows_client_auth());
  EXPECT_EQ(c.not_after(), std::chrono::time_point_cast<std::chrono::seconds>(validity.not_after));
  EXPECT_NO_THROW(verify_certificate(c, test_ca().certificate, now()));
  EXPECT_THROW(role_of(c), Error);
}

TEST_F(HandMade, ARequestForARoleOrClientUseGetsNeither) {
  auto csr = request("/O=os:admin/O=system:masters/CN=admin",
                     {"subjectAltName=IP:10.0.0.7", "extendedKeyUsage=clientAuth,serverAuth",
                      "basicConstraints=critical,CA:TRUE", "keyUsage=keyCertSign"});
  auto issued = issue_serving_certificate(test_ca(), CertificateRequest::from_pem(csr), valid_for(1h));
  const Certificate& c = issued.certificate;
  EXPECT_TRUE(c.organizations().empty());
  EXPECT_FALSE(c.allows_client_auth());
  EXPECT_FALSE(c.is_ca());
  EXPECT_TRUE(c.matches(key_));
  std::string why = error_of([&] { role_of(c); });
  EXPECT_NE(why.find("is not a client certificate"), std::string::npos) << why;
  // The extended key usage is serverAuth alone, as openssl reads it.
  write_file(dir_.path() / "issued.pem", c.to_pem());
  auto text = run_checked({"openssl", "x509", "-noout", "-ext", "extendedKeyUsage,basicConstraints", "-in",
                           (dir_.path() / "issued.pem").string()});
  EXPECT_NE(text.out.find("TLS Web Server Authentication"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("Client"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("CA:FALSE"), std::string::npos) << text.out;
}

TEST_F(HandMade, OnlyAddressesAndHostNamesThatParseAreSigned) {
  auto csr = request("/CN=*.example.com", {"subjectAltName=IP:10.0.0.7,DNS:node-7,DNS:*.example.com,DNS:a_b,"
                                           "DNS:bad..name,URI:https://evil.example,email:root@example.com"});
  auto issued = issue_serving_certificate(test_ca(), CertificateRequest::from_pem(csr), valid_for(1h));
  EXPECT_EQ(issued.names, (std::vector<std::string>{"10.0.0.7", "node-7"}));
  EXPECT_EQ(issued.dropped, 5u);
  EXPECT_EQ(issued.certificate.ip_addresses(), std::vector<std::string>{"10.0.0.7"});
  EXPECT_EQ(issued.certificate.dns_names(), std::vector<std::string>{"node-7"});
  EXPECT_EQ(issued.certificate.common_name(), "bronze-node") << "a wildcard common name is not kept";

  std::string none = error_of([&] {
    issue_serving_certificate(test_ca(), CertificateRequest::from_pem(request("/CN=x", {"subjectAltName=URI:a:b"})),
                              valid_for(1h));
  });
  EXPECT_NE(none.find("names no IP address or DNS name"), std::string::npos) << none;

  std::string many = "subjectAltName=";
  for (int i = 0; i < 65; ++i) many += (i ? ",DNS:n" : "DNS:n") + std::to_string(i);
  std::string too_many = error_of([&] {
    issue_serving_certificate(test_ca(), CertificateRequest::from_pem(request("/CN=x", {many})), valid_for(1h));
  });
  EXPECT_NE(too_many.find("65 subject alternative names; at most 64"), std::string::npos) << too_many;
}

TEST_F(HandMade, OnlyP256KeysAndRequestsSignedByTheirKey) {
  run_checked({"openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
               (dir_.path() / "rsa.pem").string()});
  run_checked({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out",
               (dir_.path() / "p384.pem").string()});
  for (const char* key : {"rsa.pem", "p384.pem"}) {
    auto csr = request("/CN=x", {"subjectAltName=IP:10.0.0.7"}, key);
    std::string why =
        error_of([&] { issue_serving_certificate(test_ca(), CertificateRequest::from_pem(csr), valid_for(1h)); });
    EXPECT_NE(why.find("not an ECDSA P-256 key"), std::string::npos) << key << ": " << why;
  }
  // A request whose names were changed on the way (10.0.0.7 became
  // 10.0.0.8): its signature no longer matches.
  std::string pem = CertificateRequest::create(key_, "n", {"10.0.0.7"}).to_pem();
  const std::string begin = "-----BEGIN CERTIFICATE REQUEST-----\n", finish = "-----END CERTIFICATE REQUEST-----\n";
  std::string body = pem.substr(begin.size(), pem.size() - begin.size() - finish.size());
  body.erase(std::remove(body.begin(), body.end(), '\n'), body.end());
  auto der = base64_decode(body);
  ASSERT_TRUE(der.has_value());
  auto at = der->find(std::string("\x0a\x00\x00\x07", 4));
  ASSERT_NE(at, std::string::npos);
  (*der)[at + 3] = '\x08';
  std::string tampered = begin + base64_encode(*der) + "\n" + finish;
  std::string why = error_of([&] { CertificateRequest::from_pem(tampered); });
  EXPECT_NE(why.find("signature does not verify against its own key"), std::string::npos) << why;
  EXPECT_THROW(CertificateRequest::from_pem("not a request"), Error);
  EXPECT_THROW(CertificateRequest::from_pem(test_ca().certificate.to_pem()), Error);
  EXPECT_NO_THROW(CertificateRequest::from_pem(pem));
}

// A certificate from the cluster CA with a role Organization but made for
// servers (or with no extended key usage at all) grants no role.
TEST_F(HandMade, ARoleNeedsAClientCertificate) {
  auto csr = request("/O=os:admin/CN=sneaky", {});
  auto server = signed_by_test_ca(csr, "extendedKeyUsage=serverAuth\n");
  EXPECT_EQ(server.organizations(), std::vector<std::string>{"os:admin"});
  std::string why = error_of([&] { role_of(server); });
  EXPECT_NE(why.find("'sneaky' is not a client certificate (no clientAuth extended key usage)"), std::string::npos)
      << why;
  auto bare = signed_by_test_ca(csr, "basicConstraints=CA:FALSE\n");
  EXPECT_THROW(role_of(bare), Error);
  auto client = signed_by_test_ca(csr, "extendedKeyUsage=clientAuth\n");
  EXPECT_EQ(role_of(client), "os:admin");
}

}  // namespace
}  // namespace bronze::config
