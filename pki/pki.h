// The OS's PKI: ECDSA P-256 keys and X.509 certificates through OpenSSL 3.
// One CA per cluster signs the nodes' serving certificates and the clients'
// certificates; the API checks both ends against it (mutual TLS). A client's
// role travels in its certificate's subject Organization, as in Talos, and
// only a certificate made for TLS clients (extended key usage clientAuth)
// carries one. Control plane nodes hold the CA key and sign their own
// serving certificates and, through trustd, the workers' from their
// certificate requests.
//
// Every time is a parameter, so tests can make certificates that are not
// yet valid or have expired.
#pragma once

#include <openssl/types.h>
#include <openssl/x509.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bronze::config {

using TimePoint = std::chrono::system_clock::time_point;

// The roles of the node API, as Talos names them (what each may call is
// node/machined/service/access_policy.cpp's table).
inline constexpr std::string_view kRoleAdmin = "os:admin";            // every API call
inline constexpr std::string_view kRoleOperator = "os:operator";      // reader's calls, upgrades, reboots, etcd snapshots
inline constexpr std::string_view kRoleReader = "os:reader";          // read-only calls
inline constexpr std::string_view kRoleEtcdBackup = "os:etcd:backup";  // etcd snapshots only
// Every known role, the most powerful first.
inline constexpr std::string_view kKnownRoles[] = {kRoleAdmin, kRoleOperator, kRoleReader, kRoleEtcdBackup};
bool is_known_role(std::string_view role);
// "os:admin, os:operator, os:reader or os:etcd:backup", for messages.
std::string known_roles_text();

class PrivateKey {
 public:
  static PrivateKey generate();  // ECDSA P-256
  // An unencrypted PEM private key (PKCS#8 or SEC1); never prompts for a
  // passphrase.
  static PrivateKey from_pem(std::string_view pem);
  std::string to_pem() const;  // PKCS#8
  EVP_PKEY* get() const { return key_.get(); }

 private:
  std::shared_ptr<EVP_PKEY> key_;
};

class Certificate {
 public:
  static Certificate from_pem(std::string_view pem);
  std::string to_pem() const;
  X509* get() const { return cert_.get(); }

  std::string common_name() const;
  std::vector<std::string> organizations() const;
  // Subject alternative names: IP addresses and DNS names, as text.
  std::vector<std::string> ip_addresses() const;
  std::vector<std::string> dns_names() const;
  TimePoint not_before() const;
  TimePoint not_after() const;
  std::string serial_hex() const;
  // SHA-256 of the DER certificate, lower-case hex without separators: what
  // `openssl x509 -noout -fingerprint -sha256` prints, in another spelling.
  std::string sha256_fingerprint() const;
  bool is_ca() const;
  // Its extended key usage names clientAuth (a certificate without that
  // extension does not count: ours always carry it).
  bool allows_client_auth() const;
  bool matches(const PrivateKey& key) const;

 private:
  std::shared_ptr<X509> cert_;
};

struct CertificateAndKey {
  Certificate certificate;
  PrivateKey key;
};
using CertificateAuthority = CertificateAndKey;

struct Validity {
  TimePoint not_before;
  TimePoint not_after;
};
// From a little before `now` (a node whose clock lags the workstation's by a
// few minutes must still accept what was just made) to `now + duration`.
Validity valid_for(std::chrono::seconds duration, TimePoint now = std::chrono::system_clock::now());

CertificateAuthority make_ca(const std::string& common_name, const Validity& validity);

// A TLS client certificate with subject O=<role>, CN=<common_name>.
CertificateAndKey issue_client_certificate(const CertificateAuthority& ca, const std::string& common_name,
                                           std::string_view role, TimePoint not_before, TimePoint not_after);

// A TLS client certificate with subject O=<each of organizations>, CN=<common_name>
// and no check of what the Organizations say: for services that do not read
// them (etcd's client certificate authentication) and for tests of
// certificates that grant no role.
CertificateAndKey issue_plain_client_certificate(const CertificateAuthority& ca, const std::string& common_name,
                                                 const std::vector<std::string>& organizations,
                                                 const Validity& validity);

// A TLS server certificate; each of `sans` is an IP address or a DNS name.
CertificateAndKey issue_server_certificate(const CertificateAuthority& ca, const std::string& common_name,
                                           const std::vector<std::string>& sans, const Validity& validity);

// A certificate for both ends of a TLS link (serverAuth and clientAuth), as
// etcd's members present to each other with --peer-client-cert-auth.
CertificateAndKey issue_peer_certificate(const CertificateAuthority& ca, const std::string& common_name,
                                         const std::vector<std::string>& sans, const Validity& validity);

// A PKCS#10 certificate request: a worker's key and the names it serves
// under, sent to the control plane's trustd.
class CertificateRequest {
 public:
  // Signed with `key`; each of `sans` is an IP address or a DNS name.
  static CertificateRequest create(const PrivateKey& key, const std::string& common_name,
                                   const std::vector<std::string>& sans);
  // Also checks the request's signature against its own key, so that its
  // sender holds that key's private half.
  static CertificateRequest from_pem(std::string_view pem);
  std::string to_pem() const;

  std::string common_name() const;
  struct AltNames {
    std::vector<std::string> ip_addresses;  // as text
    std::vector<std::string> dns_names;     // as requested, not checked
    size_t others = 0;                      // names of other kinds, IP addresses of no address's length
  };
  AltNames alt_names() const;
  EVP_PKEY* public_key() const;

 private:
  std::shared_ptr<X509_REQ> request_;
};

inline constexpr size_t kMaxServingNames = 64;

struct ServingCertificate {
  Certificate certificate;
  std::vector<std::string> names;  // the subject alternative names it carries
  size_t dropped = 0;              // requested names left out
};
// A serving certificate for the key of `request`, as trustd signs them: for
// TLS servers only (extended key usage serverAuth, never clientAuth), no
// Organization (so no role) whatever the request asks, the IP addresses and
// DNS names of the request that parse (wildcards and other kinds of names
// are left out), its common name when it is such a name. Throws Error for a
// key that is not ECDSA P-256, more than kMaxServingNames names, or none
// usable.
ServingCertificate issue_serving_certificate(const CertificateAuthority& ca, const CertificateRequest& request,
                                             const Validity& validity);

// The known roles a client certificate's Organizations name, the most
// powerful first; empty for a certificate that names none.
std::vector<std::string> roles_of(const Certificate& certificate);
// The most powerful of them. A certificate naming none, or one whose
// extended key usage lacks clientAuth (a serving certificate), is an error.
std::string role_of(const Certificate& certificate);
std::string role_of(std::string_view certificate_pem);

// True when `ca` issued `certificate` (names match and its signature checks).
bool is_signed_by(const Certificate& certificate, const Certificate& ca);
// The full check a TLS peer makes, at time `at`: chain to `ca`, validity
// period, CA constraints. Throws bronze::Error saying what failed.
void verify_certificate(const Certificate& certificate, const Certificate& ca, TimePoint at);

bool is_ip_address(std::string_view text);
// A host name as a certificate may carry it: dot-separated labels of letters,
// digits and hyphens (a leading "*." label allowed).
bool is_dns_name(std::string_view text);

}  // namespace bronze::config
