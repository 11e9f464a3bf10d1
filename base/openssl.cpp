#include "base/openssl.h"

#include <openssl/err.h>

#include <limits>

#include "base/error.h"

namespace bronze {

std::string openssl_error() {
  unsigned long code = ERR_get_error();
  std::string text = "unknown OpenSSL error";
  if (code != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    text = buffer;
  }
  ERR_clear_error();
  return text;
}

BioPtr memory_bio(std::string_view data) {
  if (data.size() > static_cast<size_t>(std::numeric_limits<int>::max())) throw Error("PEM text too large");
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (!bio) throw Error("cannot allocate an OpenSSL memory buffer: " + openssl_error());
  return bio;
}

BioPtr new_memory_bio() {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) throw Error("cannot allocate an OpenSSL memory buffer: " + openssl_error());
  return bio;
}

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(length));
}

}  // namespace bronze
