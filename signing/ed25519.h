// Ed25519 keys and signatures through OpenSSL. Keys are PEM files (PKCS#8
// private, SubjectPublicKeyInfo public), so `openssl pkey` reads them too.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace bronze::signing {

class PrivateKey {
 public:
  static PrivateKey generate();
  static PrivateKey load(const std::filesystem::path& pem_path);
  ~PrivateKey();
  PrivateKey(PrivateKey&&) noexcept;
  PrivateKey& operator=(PrivateKey&&) noexcept;

  void save(const std::filesystem::path& pem_path) const;  // mode 0600
  std::string public_pem() const;
  // A 64-byte Ed25519 signature of `message`.
  std::string sign(std::string_view message) const;

 private:
  struct Key;
  explicit PrivateKey(std::unique_ptr<Key> key);
  std::unique_ptr<Key> key_;
};

class PublicKey {
 public:
  static PublicKey load(const std::filesystem::path& pem_path);
  static PublicKey from_pem(std::string_view pem);
  ~PublicKey();
  PublicKey(PublicKey&&) noexcept;
  PublicKey& operator=(PublicKey&&) noexcept;

  bool verify(std::string_view message, std::string_view signature) const;
  // sha256 of the raw 32-byte key, hex: names a key in messages and manifests.
  std::string fingerprint() const;

 private:
  struct Key;
  explicit PublicKey(std::unique_ptr<Key> key);
  std::unique_ptr<Key> key_;
};

}  // namespace bronze::signing
