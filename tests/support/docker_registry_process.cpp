#include "tests/support/docker_registry_process.h"

#include <arpa/inet.h>
#include <crypt.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "base/error.h"
#include "base/files.h"
#include "tests/support/loopback_http_server.h"

namespace bronze::registry::test {

namespace fs = std::filesystem;

namespace {

constexpr int kStartAttempts = 200;  // 200 x 50 ms
constexpr auto kStartPoll = std::chrono::milliseconds(50);

bool accepts_connections(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

// The registry's htpasswd takes bcrypt only; libcrypt makes it ("$2b$").
std::string bcrypt(const std::string& password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (!crypt_gensalt_rn("$2b$", 5, nullptr, 0, salt, sizeof salt)) throw_errno("crypt_gensalt_rn");
  crypt_data data{};
  const char* hash = crypt_r(password.c_str(), salt, &data);
  if (!hash || hash[0] == '*') throw Error("bcrypt of the test password failed");
  return hash;
}

}  // namespace

DockerRegistryProcess::DockerRegistryProcess(const fs::path& work_dir, const DockerRegistryOptions& options)
    : storage_(work_dir / "storage"), log_(work_dir / "registry.log"), port_(bronze::test::unused_port()) {
  fs::create_directories(storage_);
  fs::path config = work_dir / "registry.yml";
  std::string text = "version: 0.1\n"
                     "log:\n  level: warn\n"
                     "storage:\n  filesystem:\n    rootdirectory: " + storage_.string() + "\n"
                     "  delete:\n    enabled: false\n"
                     "http:\n  addr: " + address() + "\n";
  if (!options.tls_certificate_pem.empty()) {
    write_file(work_dir / "registry.crt", options.tls_certificate_pem);
    write_file(work_dir / "registry.key", options.tls_key_pem);
    text += "  tls:\n    certificate: " + (work_dir / "registry.crt").string() + "\n    key: " +
            (work_dir / "registry.key").string() + "\n";
  }
  if (!options.username.empty()) {
    write_file(work_dir / "htpasswd", options.username + ":" + bcrypt(options.password) + "\n");
    text += "auth:\n  htpasswd:\n    realm: bronze-test\n    path: " + (work_dir / "htpasswd").string() + "\n";
  }
  write_file(config, text);

  // Everything the child needs is prepared before fork: after it, only
  // async-signal-safe calls until exec.
  std::string program = kDockerRegistryProgram;
  std::string serve = "serve";
  std::string config_arg = config.string();
  char* argv[] = {program.data(), serve.data(), config_arg.data(), nullptr};
  int log_fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) throw_errno("cannot create " + log_.string());
  pid_ = ::fork();
  if (pid_ < 0) {
    ::close(log_fd);
    throw_errno("fork");
  }
  if (pid_ == 0) {
    int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd < 0 || ::dup2(null_fd, 0) < 0 || ::dup2(log_fd, 1) < 0 || ::dup2(log_fd, 2) < 0) _exit(127);
    ::execv(argv[0], argv);
    _exit(127);
  }
  ::close(log_fd);

  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    if (accepts_connections(port_)) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw Error("docker-registry exited at start: " + read_file(log_));
    }
    std::this_thread::sleep_for(kStartPoll);
  }
  std::string log = read_file(log_);
  stop();
  throw Error("docker-registry did not listen on " + address() + " within 10 s: " + log);
}

DockerRegistryProcess::~DockerRegistryProcess() { stop(); }

void DockerRegistryProcess::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  // Bounded: a registry that ignores SIGTERM for 5 s is killed.
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

fs::path DockerRegistryProcess::blob_data(const std::string& digest) const {
  std::string hex = digest.substr(digest.find(':') + 1);
  return storage_ / "docker/registry/v2/blobs/sha256" / hex.substr(0, 2) / hex / "data";
}

}  // namespace bronze::registry::test
