#include "base/base64.h"

#include <openssl/evp.h>

#include <cctype>
#include <climits>

namespace bronze {

std::string base64_encode(std::string_view data) {
  if (data.size() > static_cast<size_t>(INT_MAX) / 4 * 3) return {};  // beyond EVP's int lengths; nothing we encode
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0 || text.size() > static_cast<size_t>(INT_MAX)) return std::nullopt;
  // EVP_DecodeBlock skips leading and trailing whitespace and accepts '='
  // anywhere it can make sense of; encoding the result again and comparing
  // leaves exactly one text per byte string.
  std::string out(text.size() / 4 * 3 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes: drop them.
  size_t size = static_cast<size_t>(n);
  if (!text.empty() && text.back() == '=') --size;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --size;
  out.resize(size);
  if (base64_encode(out) != text) return std::nullopt;
  return out;
}

std::optional<std::string> base64_decode_wrapped(std::string_view text) {
  std::string compact;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) compact += c;
  }
  return base64_decode(compact);
}

}  // namespace bronze
