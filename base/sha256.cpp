#include "base/sha256.h"

#include <openssl/evp.h>

#include <fstream>
#include <vector>

#include "base/error.h"

namespace bronze {

struct Sha256::Context {
  EVP_MD_CTX* ctx = nullptr;
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
  context_->ctx = EVP_MD_CTX_new();
  if (!context_->ctx || EVP_DigestInit_ex(context_->ctx, EVP_sha256(), nullptr) != 1) {
    throw Error("OpenSSL could not start a SHA-256 digest");
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(context_->ctx); }

void Sha256::update(std::string_view data) { update(data.data(), data.size()); }

void Sha256::update(const void* data, size_t size) {
  if (EVP_DigestUpdate(context_->ctx, data, size) != 1) throw Error("OpenSSL SHA-256 update failed");
}

std::array<uint8_t, 32> Sha256::digest() {
  std::array<uint8_t, 32> out{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context_->ctx, out.data(), &length) != 1 || length != out.size()) {
    throw Error("OpenSSL SHA-256 final failed");
  }
  return out;
}

std::string Sha256::hex_digest() {
  auto d = digest();
  return to_hex(d.data(), d.size());
}

std::string to_hex(const uint8_t* data, size_t size) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(digits[data[i] >> 4]);
    out.push_back(digits[data[i] & 15]);
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  Sha256 hash;
  hash.update(data);
  return hash.hex_digest();
}

std::array<uint8_t, 32> sha256_digest(std::string_view data) {
  std::array<uint8_t, 32> out{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &length, EVP_sha256(), nullptr) != 1 || length != out.size()) {
    throw Error("OpenSSL SHA-256 failed");
  }
  return out;
}

std::string sha256_file_hex(const std::filesystem::path& path, uint64_t* size_out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_errno("cannot read " + path.string());
  Sha256 hash;
  std::vector<char> buffer(1 << 20);
  uint64_t total = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    auto n = static_cast<size_t>(in.gcount());
    hash.update(buffer.data(), n);
    total += n;
  }
  if (in.bad()) throw_errno("cannot read " + path.string());
  if (size_out) *size_out = total;
  return hash.hex_digest();
}

}  // namespace bronze
