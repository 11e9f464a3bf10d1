#include "signing/ed25519.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/files.h"
#include "base/openssl.h"
#include "base/sha256.h"

namespace bronze::signing {

struct PrivateKey::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

PrivateKey::PrivateKey(std::unique_ptr<Key> key) : key_(std::move(key)) {}
PrivateKey::~PrivateKey() = default;
PrivateKey::PrivateKey(PrivateKey&&) noexcept = default;
PrivateKey& PrivateKey::operator=(PrivateKey&&) noexcept = default;

PrivateKey PrivateKey::generate() {
  auto key = std::make_unique<Key>();
  key->pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (!key->pkey) throw Error("cannot generate an Ed25519 key: " + openssl_error());
  return PrivateKey(std::move(key));
}

PrivateKey PrivateKey::load(const std::filesystem::path& pem_path) {
  std::string pem = read_file(pem_path);
  BioPtr bio = memory_bio(pem);
  auto key = std::make_unique<Key>();
  key->pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (!key->pkey) throw Error("signing key " + pem_path.string() + " is not a PEM private key: " + openssl_error());
  if (EVP_PKEY_get_id(key->pkey) != EVP_PKEY_ED25519) {
    throw Error("signing key " + pem_path.string() + " is not an Ed25519 key (make one with `openssl genpkey -algorithm ed25519`)");
  }
  return PrivateKey(std::move(key));
}

void PrivateKey::save(const std::filesystem::path& pem_path) const {
  BioPtr bio = new_memory_bio();
  if (PEM_write_bio_PrivateKey(bio.get(), key_->pkey, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw Error("cannot encode the private key: " + openssl_error());
  }
  StagedFile staged(pem_path);
  write_file(staged.path(), bio_contents(bio.get()));
  ::chmod(staged.path().c_str(), 0600);
  staged.commit();
}

std::string PrivateKey::public_pem() const {
  BioPtr bio = new_memory_bio();
  if (PEM_write_bio_PUBKEY(bio.get(), key_->pkey) != 1) throw Error("cannot encode the public key: " + openssl_error());
  return bio_contents(bio.get());
}

std::string PrivateKey::sign(std::string_view message) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string signature(64, '\0');
  size_t length = signature.size();
  bool ok = ctx && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key_->pkey) == 1 &&
            EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length,
                           reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok || length != 64) throw Error("Ed25519 signing failed: " + openssl_error());
  return signature;
}

struct PublicKey::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

PublicKey::PublicKey(std::unique_ptr<Key> key) : key_(std::move(key)) {}
PublicKey::~PublicKey() = default;
PublicKey::PublicKey(PublicKey&&) noexcept = default;
PublicKey& PublicKey::operator=(PublicKey&&) noexcept = default;

PublicKey PublicKey::from_pem(std::string_view pem) {
  BioPtr bio = memory_bio(pem);
  auto key = std::make_unique<Key>();
  key->pkey = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (!key->pkey) throw Error("not a PEM public key: " + openssl_error());
  if (EVP_PKEY_get_id(key->pkey) != EVP_PKEY_ED25519) throw Error("public key is not an Ed25519 key");
  return PublicKey(std::move(key));
}

PublicKey PublicKey::load(const std::filesystem::path& pem_path) {
  try {
    return from_pem(read_file(pem_path));
  } catch (const Error& e) {
    throw Error("public key " + pem_path.string() + ": " + e.what());
  }
}

bool PublicKey::verify(std::string_view message, std::string_view signature) const {
  if (signature.size() != 64) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key_->pkey) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  ERR_clear_error();
  return ok;
}

std::string PublicKey::fingerprint() const {
  unsigned char raw[32];
  size_t length = sizeof raw;
  if (EVP_PKEY_get_raw_public_key(key_->pkey, raw, &length) != 1) throw Error("cannot read the raw public key");
  return sha256_hex(std::string_view(reinterpret_cast<const char*>(raw), length));
}

}  // namespace bronze::signing
