#include "pki/pki.h"

#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include "base/error.h"
#include "tests/support/test_configs.h"

namespace bronze::config {
namespace {

using namespace std::chrono_literals;
using testing::other_test_ca;
using testing::test_ca;

TimePoint now() { return std::chrono::system_clock::now(); }

TEST(ConfigPki, CaIsSelfSignedAndMarkedAsCa) {
  const auto& ca = test_ca();
  EXPECT_TRUE(ca.certificate.is_ca());
  EXPECT_EQ(ca.certificate.common_name(), "test");
  EXPECT_TRUE(ca.certificate.matches(ca.key));
  EXPECT_FALSE(ca.certificate.matches(other_test_ca().key));
  EXPECT_TRUE(is_signed_by(ca.certificate, ca.certificate));
  EXPECT_NO_THROW(verify_certificate(ca.certificate, ca.certificate, now()));
}

TEST(ConfigPki, ClientCertificateVerifiesOnlyAgainstItsCa) {
  auto client = issue_client_certificate(test_ca(), "admin", kRoleAdmin, now() - 1h, now() + 1h);
  EXPECT_FALSE(client.certificate.is_ca());
  EXPECT_TRUE(client.certificate.matches(client.key));
  EXPECT_TRUE(is_signed_by(client.certificate, test_ca().certificate));
  EXPECT_FALSE(is_signed_by(client.certificate, other_test_ca().certificate));
  EXPECT_NO_THROW(verify_certificate(client.certificate, test_ca().certificate, now()));
  EXPECT_THROW(verify_certificate(client.certificate, other_test_ca().certificate, now()), Error);
}

TEST(ConfigPki, RoleIsReadBackFromTheOrganization) {
  auto admin = issue_client_certificate(test_ca(), "admin", kRoleAdmin, now() - 1h, now() + 1h);
  auto reader = issue_client_certificate(test_ca(), "ci", kRoleReader, now() - 1h, now() + 1h);
  EXPECT_EQ(admin.certificate.organizations(), std::vector<std::string>{"os:admin"});
  EXPECT_EQ(role_of(admin.certificate.to_pem()), "os:admin");
  EXPECT_EQ(role_of(reader.certificate.to_pem()), "os:reader");
  EXPECT_EQ(reader.certificate.common_name(), "ci");
}

TEST(ConfigPki, EveryKnownRoleIsIssuedAndReadBack) {
  for (std::string_view role : kKnownRoles) {
    auto client = issue_client_certificate(test_ca(), "someone", role, now() - 1h, now() + 1h);
    EXPECT_EQ(role_of(client.certificate), role);
    EXPECT_EQ(roles_of(client.certificate), std::vector<std::string>{std::string(role)});
  }
  EXPECT_EQ(known_roles_text(), "os:admin, os:operator, os:reader or os:etcd:backup");
}

TEST(ConfigPki, OrganizationsThatAreNoRoleGrantNone) {
  // Near misses of real roles must not count.
  auto odd = issue_plain_client_certificate(test_ca(), "odd", {"os:Admin", "os:admin ", "os:etcd", "admin"}, valid_for(1h));
  EXPECT_TRUE(roles_of(odd.certificate).empty());
  EXPECT_THROW(role_of(odd.certificate), Error);
  auto none = issue_plain_client_certificate(test_ca(), "nobody", {}, valid_for(1h));
  EXPECT_TRUE(none.certificate.organizations().empty());
  EXPECT_TRUE(roles_of(none.certificate).empty());
  // Several roles: all are read, the most powerful first.
  auto both = issue_plain_client_certificate(test_ca(), "two", {"os:etcd:backup", "os:operator"}, valid_for(1h));
  EXPECT_EQ(roles_of(both.certificate), (std::vector<std::string>{"os:operator", "os:etcd:backup"}));
}

TEST(ConfigPki, PeerCertificateServesAndAuthenticatesAsAClient) {
  auto peer = issue_peer_certificate(test_ca(), "etcd-0", {"127.0.0.1", "localhost"}, valid_for(1h));
  EXPECT_EQ(peer.certificate.ip_addresses(), std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(peer.certificate.dns_names(), std::vector<std::string>{"localhost"});
  EXPECT_EQ(X509_check_purpose(peer.certificate.get(), X509_PURPOSE_SSL_SERVER, 0), 1);
  EXPECT_EQ(X509_check_purpose(peer.certificate.get(), X509_PURPOSE_SSL_CLIENT, 0), 1);
  auto server = issue_server_certificate(test_ca(), "etcd-0", {"127.0.0.1"}, valid_for(1h));
  EXPECT_EQ(X509_check_purpose(server.certificate.get(), X509_PURPOSE_SSL_CLIENT, 0), 0);
}

TEST(ConfigPki, UnknownRoleIsRefused) {
  EXPECT_THROW(issue_client_certificate(test_ca(), "x", "os:root", now() - 1h, now() + 1h), Error);
}

TEST(ConfigPki, CertificateWithoutRoleHasNone) {
  auto server = issue_server_certificate(test_ca(), "node", {"10.0.0.1"}, valid_for(1h));
  try {
    role_of(server.certificate);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("grants no role"), std::string::npos) << e.what();
  }
}

TEST(ConfigPki, ExpiredCertificateHasNotAfterInThePastAndFailsVerification) {
  auto expired = issue_client_certificate(test_ca(), "old", kRoleReader, now() - 48h, now() - 24h);
  EXPECT_LT(expired.certificate.not_after(), now());
  EXPECT_LT(expired.certificate.not_before(), expired.certificate.not_after());
  EXPECT_TRUE(is_signed_by(expired.certificate, test_ca().certificate));  // the signature is still good
  try {
    verify_certificate(expired.certificate, test_ca().certificate, now());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("expired"), std::string::npos) << e.what();
  }
}

TEST(ConfigPki, TimesAreKeptToTheSecond) {
  auto start = std::chrono::time_point_cast<std::chrono::seconds>(now()) - 10h;
  auto cert = issue_client_certificate(test_ca(), "t", kRoleReader, start, start + 5h).certificate;
  EXPECT_EQ(cert.not_before(), start);
  EXPECT_EQ(cert.not_after(), start + 5h);
}

TEST(ConfigPki, SerialNumbersAreRandom128Bits) {
  auto a = issue_client_certificate(test_ca(), "a", kRoleReader, now() - 1h, now() + 1h).certificate.serial_hex();
  auto b = issue_client_certificate(test_ca(), "a", kRoleReader, now() - 1h, now() + 1h).certificate.serial_hex();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 32u);  // 16 bytes, the first never zero
}

TEST(ConfigPki, ServerCertificateCarriesIpAndDnsNames) {
  auto server = issue_server_certificate(test_ca(), "node-1", {"10.0.0.1", "::1", "node-1.example.com"}, valid_for(1h));
  EXPECT_EQ(server.certificate.ip_addresses(), (std::vector<std::string>{"10.0.0.1", "::1"}));
  EXPECT_EQ(server.certificate.dns_names(), std::vector<std::string>{"node-1.example.com"});
  EXPECT_NO_THROW(verify_certificate(server.certificate, test_ca().certificate, now()));
  EXPECT_THROW(issue_server_certificate(test_ca(), "n", {"a,DNS:b"}, valid_for(1h)), Error);
}

TEST(ConfigPki, PemRoundTrips) {
  auto key = PrivateKey::from_pem(test_ca().key.to_pem());
  EXPECT_TRUE(test_ca().certificate.matches(key));
  auto cert = Certificate::from_pem(test_ca().certificate.to_pem());
  EXPECT_EQ(cert.serial_hex(), test_ca().certificate.serial_hex());
  EXPECT_THROW(Certificate::from_pem("not a certificate"), Error);
  EXPECT_THROW(PrivateKey::from_pem(test_ca().certificate.to_pem()), Error);
}

TEST(ConfigPki, HostNameChecks) {
  EXPECT_TRUE(is_ip_address("192.168.1.1"));
  EXPECT_TRUE(is_ip_address("fd00::1"));
  EXPECT_FALSE(is_ip_address("192.168.1"));
  EXPECT_TRUE(is_dns_name("node-1.example.com"));
  EXPECT_TRUE(is_dns_name("*.example.com"));
  EXPECT_FALSE(is_dns_name("-bad.example.com"));
  EXPECT_FALSE(is_dns_name("a..b"));
  EXPECT_FALSE(is_dns_name("a b"));
  EXPECT_FALSE(is_dns_name(""));
}

}  // namespace
}  // namespace bronze::config
