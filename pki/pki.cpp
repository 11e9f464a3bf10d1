#include "pki/pki.h"

#include <arpa/inet.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <ctime>
#include <iterator>
#include <limits>

#include "base/error.h"
#include "base/openssl.h"

namespace bronze::config {

namespace {

template <typename T, void (*Free)(T*)>
using Deleter = OpenSslDeleter<T, Free>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE, X509_STORE_free>>;
using StoreContextPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX, X509_STORE_CTX_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES, GENERAL_NAMES_free>>;
using RequestPtr = std::unique_ptr<X509_REQ, Deleter<X509_REQ, X509_REQ_free>>;

void free_extensions(STACK_OF(X509_EXTENSION) * extensions) {
  sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
}
using ExtensionsPtr = std::unique_ptr<STACK_OF(X509_EXTENSION), Deleter<STACK_OF(X509_EXTENSION), free_extensions>>;

// Keys in config files are never encrypted; without this callback OpenSSL
// would prompt on the terminal for a passphrase.
int no_passphrase(char*, int, int, void*) { return 0; }

void set_time(ASN1_TIME* field, TimePoint time) {
  if (!ASN1_TIME_set(field, std::chrono::system_clock::to_time_t(time))) {
    throw Error("cannot set a certificate time: " + openssl_error());
  }
}

TimePoint to_time_point(const ASN1_TIME* time) {
  std::tm tm{};
  if (!ASN1_TIME_to_tm(time, &tm)) throw Error("certificate has an unreadable time: " + openssl_error());
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

// 128 random bits, positive and non-zero as RFC 5280 asks.
void set_random_serial(X509* cert) {
  unsigned char bytes[16];
  do {
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw Error("cannot draw a serial number: " + openssl_error());
    bytes[0] &= 0x7f;
  } while (bytes[0] == 0);
  BignumPtr serial(BN_bin2bn(bytes, sizeof bytes, nullptr));
  if (!serial || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert))) {
    throw Error("cannot set a serial number: " + openssl_error());
  }
}

void add_name_entry(X509_NAME* name, const char* field, const std::string& value) {
  if (!X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.data()),
                                  static_cast<int>(value.size()), -1, 0)) {
    throw Error(std::string("cannot put ") + field + "=" + value + " in a certificate subject: " + openssl_error());
  }
}

// `issuer` is the new certificate itself for a self-signed CA.
void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()));
  if (!extension || !X509_add_ext(cert, extension.get(), -1)) {
    throw Error(std::string("cannot add ") + OBJ_nid2sn(nid) + " to a certificate: " + openssl_error());
  }
}

struct Subject {
  std::string common_name;
  std::vector<std::string> organizations;
};

// A certificate for `public_key` with everything but the extensions, which
// differ by kind and need the issuer.
std::shared_ptr<X509> new_certificate(const Subject& subject, EVP_PKEY* public_key, X509* issuer,
                                      const Validity& validity) {
  if (validity.not_after <= validity.not_before) throw Error("a certificate's validity must end after it starts");
  std::shared_ptr<X509> cert(X509_new(), X509_free);
  if (!cert || !X509_set_version(cert.get(), X509_VERSION_3))
    throw Error("cannot make a certificate: " + openssl_error());
  set_random_serial(cert.get());
  set_time(X509_getm_notBefore(cert.get()), validity.not_before);
  set_time(X509_getm_notAfter(cert.get()), validity.not_after);
  X509_NAME* name = X509_get_subject_name(cert.get());
  for (const auto& organization : subject.organizations) add_name_entry(name, "O", organization);
  add_name_entry(name, "CN", subject.common_name);
  X509_NAME* issuer_name = issuer ? X509_get_subject_name(issuer) : name;
  if (!X509_set_issuer_name(cert.get(), issuer_name) || !X509_set_pubkey(cert.get(), public_key)) {
    throw Error("cannot make a certificate: " + openssl_error());
  }
  return cert;
}

Certificate sign(const std::shared_ptr<X509>& cert, const PrivateKey& issuer_key) {
  if (!X509_sign(cert.get(), issuer_key.get(), EVP_sha256()))
    throw Error("cannot sign a certificate: " + openssl_error());
  // Round-trip through PEM so the result is exactly what a reader would see.
  BioPtr bio = new_memory_bio();
  if (!PEM_write_bio_X509(bio.get(), cert.get())) throw Error("cannot encode a certificate: " + openssl_error());
  return Certificate::from_pem(bio_contents(bio.get()));
}

// The names of `type` (GEN_DNS or GEN_IPADD) as text; an IP address of a
// length no address has is left out.
std::vector<std::string> names_of_type(const GENERAL_NAMES* names, int type) {
  std::vector<std::string> out;
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type != type) continue;
    if (type == GEN_DNS) {
      const ASN1_IA5STRING* dns = name->d.dNSName;
      out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                       static_cast<size_t>(ASN1_STRING_length(dns)));
    } else if (type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = name->d.iPAddress;
      int length = ASN1_STRING_length(ip);
      char text[INET6_ADDRSTRLEN] = "";
      int family = length == 4 ? AF_INET : length == 16 ? AF_INET6 : 0;
      if (family && inet_ntop(family, ASN1_STRING_get0_data(ip), text, sizeof text)) out.emplace_back(text);
    }
  }
  return out;
}

std::vector<std::string> alt_names(X509* cert, int type) {
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  ERR_clear_error();
  return names_of_type(names.get(), type);
}

// OpenSSL's config syntax for subjectAltName ("IP:10.0.0.1,DNS:node-1").
// Each name is checked first, since a comma in one would add another.
std::string alt_names_text(const std::vector<std::string>& sans) {
  std::string text;
  for (const auto& san : sans) {
    std::string entry;
    if (is_ip_address(san)) {
      entry = "IP:" + san;
    } else if (is_dns_name(san)) {
      entry = "DNS:" + san;
    } else {
      throw Error("'" + san + "' is neither an IP address nor a DNS name");
    }
    text += (text.empty() ? "" : ",") + entry;
  }
  return text;
}

// The extensions of a host's certificate: a leaf for TLS servers only
// ("serverAuth"), or for both ends of a link ("serverAuth,clientAuth", as
// etcd's members present to each other).
Certificate sign_host_certificate(const CertificateAuthority& ca, const std::string& common_name,
                                  const std::vector<std::string>& sans, EVP_PKEY* public_key, const Validity& validity,
                                  const char* extended_key_usage = "serverAuth") {
  std::string alt_names = alt_names_text(sans);
  auto cert = new_certificate({common_name, {}}, public_key, ca.certificate.get(), validity);
  add_extension(cert.get(), ca.certificate.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), ca.certificate.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(cert.get(), ca.certificate.get(), NID_ext_key_usage, extended_key_usage);
  add_extension(cert.get(), ca.certificate.get(), NID_authority_key_identifier, "keyid");
  if (!alt_names.empty()) add_extension(cert.get(), ca.certificate.get(), NID_subject_alt_name, alt_names);
  return sign(cert, ca.key);
}

bool is_p256_key(EVP_PKEY* key) {
  char group[64] = "";
  bool p256 = key && EVP_PKEY_is_a(key, "EC") &&
              EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, nullptr) == 1 &&
              std::string_view(group) == "prime256v1";
  ERR_clear_error();
  return p256;
}

std::vector<std::string> name_entries(X509* cert, int nid) {
  std::vector<std::string> out;
  X509_NAME* name = X509_get_subject_name(cert);
  for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0; i = X509_NAME_get_index_by_NID(name, nid, i)) {
    unsigned char* utf8 = nullptr;
    int length = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
    if (length < 0) continue;
    out.emplace_back(reinterpret_cast<char*>(utf8), static_cast<size_t>(length));
    OPENSSL_free(utf8);
  }
  return out;
}

}  // namespace

bool is_known_role(std::string_view role) {
  return std::find(std::begin(kKnownRoles), std::end(kKnownRoles), role) != std::end(kKnownRoles);
}

std::string known_roles_text() {
  std::string text;
  size_t count = std::size(kKnownRoles);
  for (size_t i = 0; i < count; ++i) {
    text += std::string(i == 0 ? "" : i + 1 == count ? " or " : ", ") + std::string(kKnownRoles[i]);
  }
  return text;
}

PrivateKey PrivateKey::generate() {
  PrivateKey key;
  key.key_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free);
  if (!key.key_) throw Error("cannot generate a P-256 key: " + openssl_error());
  return key;
}

PrivateKey PrivateKey::from_pem(std::string_view pem) {
  BioPtr bio = memory_bio(pem);
  PrivateKey key;
  key.key_.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr), EVP_PKEY_free);
  if (!key.key_) throw Error("not an unencrypted PEM private key (" + openssl_error() + ")");
  return key;
}

std::string PrivateKey::to_pem() const {
  BioPtr bio = new_memory_bio();
  if (!PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr)) {
    throw Error("cannot encode a private key: " + openssl_error());
  }
  return bio_contents(bio.get());
}

Certificate Certificate::from_pem(std::string_view pem) {
  BioPtr bio = memory_bio(pem);
  Certificate cert;
  cert.cert_.reset(PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr), X509_free);
  if (!cert.cert_) throw Error("not a PEM X.509 certificate (" + openssl_error() + ")");
  return cert;
}

std::string Certificate::to_pem() const {
  BioPtr bio = new_memory_bio();
  if (!PEM_write_bio_X509(bio.get(), cert_.get())) throw Error("cannot encode a certificate: " + openssl_error());
  return bio_contents(bio.get());
}

std::string Certificate::common_name() const {
  auto names = name_entries(cert_.get(), NID_commonName);
  return names.empty() ? "" : names.back();
}

std::vector<std::string> Certificate::organizations() const { return name_entries(cert_.get(), NID_organizationName); }
std::vector<std::string> Certificate::ip_addresses() const { return alt_names(cert_.get(), GEN_IPADD); }
std::vector<std::string> Certificate::dns_names() const { return alt_names(cert_.get(), GEN_DNS); }
TimePoint Certificate::not_before() const { return to_time_point(X509_get0_notBefore(cert_.get())); }
TimePoint Certificate::not_after() const { return to_time_point(X509_get0_notAfter(cert_.get())); }

std::string Certificate::serial_hex() const {
  BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert_.get()), nullptr));
  char* hex = serial ? BN_bn2hex(serial.get()) : nullptr;
  if (!hex) throw Error("cannot read a serial number: " + openssl_error());
  std::string out = hex;
  OPENSSL_free(hex);
  return out;
}

std::string Certificate::sha256_fingerprint() const {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!X509_digest(cert_.get(), EVP_sha256(), digest, &length)) {
    throw Error("cannot hash a certificate: " + openssl_error());
  }
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

bool Certificate::is_ca() const { return X509_check_ca(cert_.get()) > 0; }

bool Certificate::matches(const PrivateKey& key) const {
  const EVP_PKEY* public_key = X509_get0_pubkey(cert_.get());
  bool same = public_key && EVP_PKEY_eq(public_key, key.get()) == 1;
  ERR_clear_error();
  return same;
}

Validity valid_for(std::chrono::seconds duration, TimePoint now) {
  constexpr auto kClockSkew = std::chrono::minutes(5);
  return {now - kClockSkew, now + duration};
}

CertificateAuthority make_ca(const std::string& common_name, const Validity& validity) {
  PrivateKey key = PrivateKey::generate();
  auto cert = new_certificate({common_name, {}}, key.get(), nullptr, validity);
  add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
  add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  return {sign(cert, key), key};
}

CertificateAndKey issue_client_certificate(const CertificateAuthority& ca, const std::string& common_name,
                                           std::string_view role, TimePoint not_before, TimePoint not_after) {
  if (!is_known_role(role)) {
    throw Error("unknown role '" + std::string(role) + "' (expected " + known_roles_text() + ")");
  }
  return issue_plain_client_certificate(ca, common_name, {std::string(role)}, {not_before, not_after});
}

CertificateAndKey issue_plain_client_certificate(const CertificateAuthority& ca, const std::string& common_name,
                                                 const std::vector<std::string>& organizations,
                                                 const Validity& validity) {
  PrivateKey key = PrivateKey::generate();
  auto cert = new_certificate({common_name, organizations}, key.get(), ca.certificate.get(), validity);
  add_extension(cert.get(), ca.certificate.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), ca.certificate.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(cert.get(), ca.certificate.get(), NID_ext_key_usage, "clientAuth");
  add_extension(cert.get(), ca.certificate.get(), NID_authority_key_identifier, "keyid");
  return {sign(cert, ca.key), key};
}

CertificateAndKey issue_server_certificate(const CertificateAuthority& ca, const std::string& common_name,
                                           const std::vector<std::string>& sans, const Validity& validity) {
  alt_names_text(sans);  // bad names are refused before a key is made for nothing
  PrivateKey key = PrivateKey::generate();
  return {sign_host_certificate(ca, common_name, sans, key.get(), validity), key};
}

CertificateAndKey issue_peer_certificate(const CertificateAuthority& ca, const std::string& common_name,
                                         const std::vector<std::string>& sans, const Validity& validity) {
  alt_names_text(sans);
  PrivateKey key = PrivateKey::generate();
  return {sign_host_certificate(ca, common_name, sans, key.get(), validity, "serverAuth,clientAuth"), key};
}

CertificateRequest CertificateRequest::create(const PrivateKey& key, const std::string& common_name,
                                              const std::vector<std::string>& sans) {
  std::string alt_names = alt_names_text(sans);
  RequestPtr request(X509_REQ_new());
  if (!request || !X509_REQ_set_version(request.get(), X509_REQ_VERSION_1)) {
    throw Error("cannot make a certificate request: " + openssl_error());
  }
  add_name_entry(X509_REQ_get_subject_name(request.get()), "CN", common_name);
  if (!X509_REQ_set_pubkey(request.get(), key.get())) {
    throw Error("cannot make a certificate request: " + openssl_error());
  }
  if (!alt_names.empty()) {
    X509V3_CTX context;
    X509V3_set_ctx(&context, nullptr, nullptr, request.get(), nullptr, 0);
    ExtensionsPtr extensions(sk_X509_EXTENSION_new_null());
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, NID_subject_alt_name, alt_names.c_str());
    if (!extensions || !extension || !sk_X509_EXTENSION_push(extensions.get(), extension)) {
      if (extension) X509_EXTENSION_free(extension);
      throw Error("cannot put the names into a certificate request: " + openssl_error());
    }
    if (!X509_REQ_add_extensions(request.get(), extensions.get())) {
      throw Error("cannot put the names into a certificate request: " + openssl_error());
    }
  }
  if (!X509_REQ_sign(request.get(), key.get(), EVP_sha256())) {
    throw Error("cannot sign a certificate request: " + openssl_error());
  }
  BioPtr bio = new_memory_bio();
  if (!PEM_write_bio_X509_REQ(bio.get(), request.get())) {
    throw Error("cannot encode a certificate request: " + openssl_error());
  }
  return from_pem(bio_contents(bio.get()));
}

CertificateRequest CertificateRequest::from_pem(std::string_view pem) {
  BioPtr bio = memory_bio(pem);
  CertificateRequest request;
  request.request_.reset(PEM_read_bio_X509_REQ(bio.get(), nullptr, no_passphrase, nullptr), X509_REQ_free);
  if (!request.request_) throw Error("not a PEM certificate request (" + openssl_error() + ")");
  // The request's own signature shows that its sender holds the private key.
  EVP_PKEY* key = X509_REQ_get0_pubkey(request.request_.get());
  if (!key || X509_REQ_verify(request.request_.get(), key) != 1) {
    throw Error("the certificate request's signature does not verify against its own key (" + openssl_error() + ")");
  }
  return request;
}

std::string CertificateRequest::to_pem() const {
  BioPtr bio = new_memory_bio();
  if (!PEM_write_bio_X509_REQ(bio.get(), request_.get())) {
    throw Error("cannot encode a certificate request: " + openssl_error());
  }
  return bio_contents(bio.get());
}

std::string CertificateRequest::common_name() const {
  X509_NAME* name = X509_REQ_get_subject_name(request_.get());
  int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (i < 0) return "";
  unsigned char* utf8 = nullptr;
  int length = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
  if (length < 0) {
    ERR_clear_error();
    return "";
  }
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(length));
  OPENSSL_free(utf8);
  return out;
}

CertificateRequest::AltNames CertificateRequest::alt_names() const {
  AltNames out;
  ExtensionsPtr extensions(X509_REQ_get_extensions(request_.get()));
  GeneralNamesPtr names(
      extensions ? static_cast<GENERAL_NAMES*>(X509V3_get_d2i(extensions.get(), NID_subject_alt_name, nullptr, nullptr))
                 : nullptr);
  ERR_clear_error();
  if (!names) return out;
  out.ip_addresses = names_of_type(names.get(), GEN_IPADD);
  out.dns_names = names_of_type(names.get(), GEN_DNS);
  out.others = static_cast<size_t>(sk_GENERAL_NAME_num(names.get())) - out.ip_addresses.size() - out.dns_names.size();
  return out;
}

EVP_PKEY* CertificateRequest::public_key() const { return X509_REQ_get0_pubkey(request_.get()); }

ServingCertificate issue_serving_certificate(const CertificateAuthority& ca, const CertificateRequest& request,
                                             const Validity& validity) {
  if (!is_p256_key(request.public_key())) throw Error("the request's key is not an ECDSA P-256 key");
  auto requested = request.alt_names();
  size_t count = requested.ip_addresses.size() + requested.dns_names.size() + requested.others;
  if (count > kMaxServingNames) {
    throw Error("the request names " + std::to_string(count) + " subject alternative names; at most " +
                std::to_string(kMaxServingNames) + " are signed");
  }
  ServingCertificate out{Certificate(), {}, requested.others};
  // Only what parses as an address or a host name; no wildcards: a node
  // serves under its own names.
  for (const auto& ip : requested.ip_addresses) {
    if (is_ip_address(ip)) out.names.push_back(ip);
    else ++out.dropped;
  }
  for (const auto& dns : requested.dns_names) {
    if (is_dns_name(dns) && dns.find('*') == std::string::npos) out.names.push_back(dns);
    else ++out.dropped;
  }
  if (out.names.empty()) throw Error("the request names no IP address or DNS name a serving certificate can carry");
  std::string requested_name = request.common_name();
  bool usable = (is_dns_name(requested_name) && requested_name.find('*') == std::string::npos) ||
                is_ip_address(requested_name);
  // The subject is ours: a common name and no Organization, so no role.
  out.certificate =
      sign_host_certificate(ca, usable ? requested_name : "bronze-node", out.names, request.public_key(), validity);
  return out;
}

bool Certificate::allows_client_auth() const {
  uint32_t flags = X509_get_extension_flags(cert_.get());
  bool client = (flags & EXFLAG_XKUSAGE) && !(flags & EXFLAG_INVALID) &&
                (X509_get_extended_key_usage(cert_.get()) & XKU_SSL_CLIENT);
  ERR_clear_error();
  return client;
}

std::vector<std::string> roles_of(const Certificate& certificate) {
  auto organizations = certificate.organizations();
  std::vector<std::string> roles;
  for (std::string_view role : kKnownRoles) {
    if (std::find(organizations.begin(), organizations.end(), role) != organizations.end()) roles.emplace_back(role);
  }
  return roles;
}

std::string role_of(const Certificate& certificate) {
  // A serving certificate (what trustd signs for any worker holding the
  // join token) must never open the API, whatever its subject says.
  if (!certificate.allows_client_auth()) {
    throw Error("certificate for '" + certificate.common_name() +
                "' is not a client certificate (no clientAuth extended key usage), so it grants no role");
  }
  auto roles = roles_of(certificate);
  if (roles.empty()) {
    throw Error("certificate for '" + certificate.common_name() + "' grants no role (its Organization must be " +
                known_roles_text() + ")");
  }
  return roles.front();
}

std::string role_of(std::string_view certificate_pem) { return role_of(Certificate::from_pem(certificate_pem)); }

bool is_signed_by(const Certificate& certificate, const Certificate& ca) {
  bool issued = X509_check_issued(ca.get(), certificate.get()) == X509_V_OK;
  EVP_PKEY* ca_key = X509_get0_pubkey(ca.get());
  bool signature_ok = issued && ca_key && X509_verify(certificate.get(), ca_key) == 1;
  ERR_clear_error();
  return signature_ok;
}

void verify_certificate(const Certificate& certificate, const Certificate& ca, TimePoint at) {
  StorePtr store(X509_STORE_new());
  StoreContextPtr context(X509_STORE_CTX_new());
  if (!store || !context || !X509_STORE_add_cert(store.get(), ca.get()) ||
      !X509_STORE_CTX_init(context.get(), store.get(), certificate.get(), nullptr)) {
    throw Error("cannot set up certificate verification: " + openssl_error());
  }
  X509_STORE_CTX_set_time(context.get(), 0, std::chrono::system_clock::to_time_t(at));
  if (X509_verify_cert(context.get()) != 1) {
    int code = X509_STORE_CTX_get_error(context.get());
    ERR_clear_error();
    throw Error("certificate for '" + certificate.common_name() + "' does not verify against CA '" + ca.common_name() +
                "': " + X509_verify_cert_error_string(code));
  }
}

bool is_ip_address(std::string_view text) {
  std::string copy(text);
  unsigned char buffer[16];
  return inet_pton(AF_INET, copy.c_str(), buffer) == 1 || inet_pton(AF_INET6, copy.c_str(), buffer) == 1;
}

bool is_dns_name(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  if (text.substr(0, 2) == "*.") text.remove_prefix(2);
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('.', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view label = text.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) return false;
    }
    start = end + 1;
  }
  return true;
}

}  // namespace bronze::config
