#include "pki/join_token.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "base/error.h"

namespace bronze::config {

namespace {

constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr size_t kHead = 6;
constexpr size_t kTail = 16;

bool is_token_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

void sha256(std::string_view data, unsigned char (&out)[EVP_MAX_MD_SIZE]) {
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out, &length, EVP_sha256(), nullptr) != 1 || length != 32) {
    ERR_clear_error();
    throw Error("cannot hash a secret with SHA-256");
  }
}

}  // namespace

std::string generate_join_token() {
  // 252 = 7 * 36: bytes at or above it are drawn again, so that every
  // character is equally likely.
  constexpr unsigned kLimit = 7 * kAlphabet.size();
  std::string chars;
  while (chars.size() < kHead + kTail) {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
      ERR_clear_error();
      throw Error("cannot draw random bytes for a join token (OpenSSL's RAND_bytes failed)");
    }
    for (unsigned char b : bytes) {
      if (b < kLimit && chars.size() < kHead + kTail) chars.push_back(kAlphabet[b % kAlphabet.size()]);
    }
  }
  return chars.substr(0, kHead) + "." + chars.substr(kHead);
}

bool is_join_token(std::string_view text) {
  if (text.size() != kHead + 1 + kTail || text[kHead] != '.') return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i != kHead && !is_token_char(text[i])) return false;
  }
  return true;
}

bool secrets_equal(std::string_view a, std::string_view b) {
  unsigned char da[EVP_MAX_MD_SIZE], db[EVP_MAX_MD_SIZE];
  sha256(a, da);
  sha256(b, db);
  return CRYPTO_memcmp(da, db, 32) == 0;
}

}  // namespace bronze::config
