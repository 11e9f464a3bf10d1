// SHA-256 through OpenSSL's EVP interface.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace bronze {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view data);
  void update(const void* data, size_t size);
  std::array<uint8_t, 32> digest();
  std::string hex_digest();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

std::string to_hex(const uint8_t* data, size_t size);
std::string sha256_hex(std::string_view data);
// One-shot, for many small pieces (chunks): no context kept between calls.
std::array<uint8_t, 32> sha256_digest(std::string_view data);
// Streams the file; `size_out`, when given, receives its length in bytes.
std::string sha256_file_hex(const std::filesystem::path& path, uint64_t* size_out = nullptr);

}  // namespace bronze
