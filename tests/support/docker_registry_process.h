// Debian's docker-registry (the CNCF distribution registry) run by a test:
// storage in a folder, listening on 127.0.0.1 only, stopped by its pid.
// Optionally behind a login (htpasswd, bcrypt as the registry requires) and
// TLS with a certificate for 127.0.0.1 from a CA of the test's own.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace bronze::registry::test {

inline constexpr const char* kDockerRegistryProgram = "/usr/bin/docker-registry";

struct DockerRegistryOptions {
  std::string username;  // with password: every request needs this login (HTTP Basic)
  std::string password;
  std::string tls_certificate_pem;  // with the key: serve HTTPS with them
  std::string tls_key_pem;
};

class DockerRegistryProcess {
 public:
  // Starts it on a free port and waits (bounded) until it accepts
  // connections; throws with its log when it does not.
  explicit DockerRegistryProcess(const std::filesystem::path& work_dir, const DockerRegistryOptions& options = {});
  ~DockerRegistryProcess();
  DockerRegistryProcess(const DockerRegistryProcess&) = delete;
  DockerRegistryProcess& operator=(const DockerRegistryProcess&) = delete;

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::filesystem::path& storage() const { return storage_; }
  // Where the registry keeps a blob's bytes.
  std::filesystem::path blob_data(const std::string& digest) const;

 private:
  void stop();

  std::filesystem::path storage_;
  std::filesystem::path log_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace bronze::registry::test
