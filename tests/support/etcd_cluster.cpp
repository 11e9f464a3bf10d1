#include "tests/support/etcd_cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <set>
#include <thread>

#include "base/error.h"
#include "base/private_file.h"
#include "cluster/etcd/client.h"

extern char** environ;

namespace bronze::etcd::test {

namespace fs = std::filesystem;

namespace {

constexpr auto kPoll = std::chrono::milliseconds(100);
constexpr auto kStartLimit = std::chrono::seconds(60);
constexpr int kStopPolls = 200;  // 200 x 50 ms before SIGKILL

}  // namespace

// Ports the kernel hands out for 127.0.0.1:0; all sockets stay open until
// every port is known, so no two of ours are the same.
std::vector<uint16_t> free_loopback_ports(size_t count) {
  std::vector<int> sockets;
  std::vector<uint16_t> ports;
  for (size_t i = 0; i < count; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw_errno("socket");
    sockets.push_back(fd);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      for (int open_fd : sockets) ::close(open_fd);
      throw_errno("bind 127.0.0.1:0");
    }
    ports.push_back(ntohs(address.sin_port));
  }
  for (int fd : sockets) ::close(fd);
  return ports;
}

namespace {

// Each cluster gets its own token, so that members of two clusters in one
// test run can never mistake each other for peers.
std::string cluster_token() {
  static std::atomic<int> counter{0};
  return "bronze-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

// The environment for etcd without ETCD_* variables, which etcd would read
// as flags.
std::vector<std::string> etcd_environment() {
  std::vector<std::string> environment;
  for (char** entry = environ; *entry; ++entry) {
    if (std::strncmp(*entry, "ETCD_", 5) != 0) environment.emplace_back(*entry);
  }
  return environment;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& text : strings) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

const char* to_string(EtcdTransport transport) { return transport == EtcdTransport::Tls ? "tls" : "plain"; }

EtcdCluster::EtcdCluster(int members, EtcdTransport transport)
    : dir_("bronze-etcd"), transport_(transport), token_(cluster_token()) {
  if (members < 1) throw Error("EtcdCluster: at least one member");
  if (!fs::exists(kEtcdProgram)) throw Error(std::string(kEtcdProgram) + " is missing: apt-get install etcd-server");
  std::vector<uint16_t> ports = free_loopback_ports(2 * static_cast<size_t>(members));
  for (int i = 0; i < members; ++i) {
    Node node;
    node.name = "etcd-" + std::to_string(i);
    node.client_port = ports[2 * static_cast<size_t>(i)];
    node.peer_port = ports[2 * static_cast<size_t>(i) + 1];
    node.data_dir = dir_.path() / node.name;
    node.log = dir_.path() / (node.name + ".log");
    members_.push_back(node);
  }
  if (tls()) make_certificates();
  try {
    for (int i = 0; i < members; ++i) spawn(i, "new");
    wait_until_all_agree_on_leader(kStartLimit);
  } catch (...) {
    for (int i = 0; i < members; ++i) stop_member(i);
    throw;
  }
}

EtcdCluster::~EtcdCluster() {
  for (int i = size() - 1; i >= 0; --i) stop_member(i);
}

std::string EtcdCluster::name(int i) const { return members_.at(static_cast<size_t>(i)).name; }

std::string EtcdCluster::client_url(int i) const {
  return scheme() + "127.0.0.1:" + std::to_string(members_.at(static_cast<size_t>(i)).client_port);
}

std::string EtcdCluster::peer_url(int i) const {
  return scheme() + "127.0.0.1:" + std::to_string(members_.at(static_cast<size_t>(i)).peer_port);
}

const config::CertificateAuthority& EtcdCluster::ca() const {
  if (!ca_) throw Error("EtcdCluster: this cluster runs without TLS, so it has no CA");
  return *ca_;
}

std::optional<TlsCredentials> EtcdCluster::client_tls(const std::string& common_name) const {
  if (!tls()) return std::nullopt;
  auto client = config::issue_plain_client_certificate(*ca_, common_name, {}, config::valid_for(std::chrono::hours(24)));
  return TlsCredentials{ca_->certificate.to_pem(), client.certificate.to_pem(), client.key.to_pem()};
}

std::unique_ptr<Client> EtcdCluster::client(std::chrono::milliseconds timeout) const {
  return std::make_unique<Client>(client_urls(), timeout, client_tls());
}

// One certificate per member, for its client and its peer listener alike
// (serverAuth and clientAuth: members are each other's clients), valid for
// 127.0.0.1 and localhost.
void EtcdCluster::make_certificates() {
  ca_ = config::make_ca("bronze test etcd", config::valid_for(std::chrono::hours(24)));
  fs::path tls_dir = dir_.path() / "tls";
  fs::create_directories(tls_dir);
  write_file(tls_dir / "ca.crt", ca_->certificate.to_pem());
  for (const Node& node : members_) {
    auto member = config::issue_peer_certificate(*ca_, node.name, {"127.0.0.1", "localhost"},
                                                 config::valid_for(std::chrono::hours(24)));
    write_file(tls_dir / (node.name + ".crt"), member.certificate.to_pem());
    write_private_file(tls_dir / (node.name + ".key"), member.key.to_pem());
  }
}

std::vector<std::string> EtcdCluster::tls_flags(int i) const {
  if (!tls()) return {};
  fs::path tls_dir = dir_.path() / "tls";
  std::string crt = (tls_dir / (name(i) + ".crt")).string();
  std::string key = (tls_dir / (name(i) + ".key")).string();
  std::string ca = (tls_dir / "ca.crt").string();
  return {"--cert-file=" + crt,      "--key-file=" + key,      "--client-cert-auth",
          "--trusted-ca-file=" + ca, "--peer-cert-file=" + crt, "--peer-key-file=" + key,
          "--peer-client-cert-auth", "--peer-trusted-ca-file=" + ca};
}

std::vector<std::string> EtcdCluster::client_urls() const {
  std::vector<std::string> urls;
  for (int i = 0; i < size(); ++i) urls.push_back(client_url(i));
  return urls;
}

std::string EtcdCluster::log(int i) const {
  const fs::path& path = members_.at(static_cast<size_t>(i)).log;
  return fs::exists(path) ? read_file(path) : std::string();
}

std::string EtcdCluster::initial_cluster() const {
  std::string list;
  for (int i = 0; i < size(); ++i) list += (i ? "," : "") + name(i) + "=" + peer_url(i);
  return list;
}

void EtcdCluster::spawn(int i, const std::string& cluster_state) {
  Node& node = members_.at(static_cast<size_t>(i));
  if (node.pid > 0) throw Error("EtcdCluster: " + node.name + " is running already");
  std::vector<std::string> arguments = {
      kEtcdProgram,
      "--name=" + node.name,
      "--data-dir=" + node.data_dir.string(),
      "--listen-client-urls=" + client_url(i),
      "--advertise-client-urls=" + client_url(i),
      "--listen-peer-urls=" + peer_url(i),
      "--initial-advertise-peer-urls=" + peer_url(i),
      "--initial-cluster=" + initial_cluster(),
      "--initial-cluster-state=" + cluster_state,
      "--initial-cluster-token=" + token_,
      "--logger=zap",
      "--log-outputs=stderr",
  };
  for (std::string& flag : tls_flags(i)) arguments.push_back(std::move(flag));
  std::vector<std::string> environment = etcd_environment();
  std::vector<char*> argv = c_strings(arguments);
  std::vector<char*> envp = c_strings(environment);

  std::string log_path = node.log.string();
  int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) throw_errno("cannot create " + log_path);
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) {
    ::close(log_fd);
    throw_errno("open /dev/null");
  }
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls until exec. The member dies with the
    // thread that started it, so a test killed by its timeout leaves no
    // etcd behind; the getppid check covers a parent already gone.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) _exit(127);
    if (::dup2(null_fd, 0) < 0 || ::dup2(log_fd, 1) < 0 || ::dup2(log_fd, 2) < 0) _exit(127);
    ::execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  int fork_errno = errno;
  ::close(log_fd);
  ::close(null_fd);
  if (pid < 0) {
    errno = fork_errno;
    throw_errno("fork for " + node.name);
  }
  node.pid = pid;
}

void EtcdCluster::throw_with_log(int i, const std::string& what) {
  throw Error("etcd member " + name(i) + " " + what + "; its log:\n" + log(i));
}

void EtcdCluster::check_still_running(int i) {
  Node& node = members_.at(static_cast<size_t>(i));
  if (node.pid <= 0) throw_with_log(i, "is not running");
  int status = 0;
  if (::waitpid(node.pid, &status, WNOHANG) == node.pid) {
    node.pid = -1;
    throw_with_log(i, "exited with status " + std::to_string(status));
  }
}

void EtcdCluster::wait_until_follows_leader(int i, std::chrono::seconds limit) {
  Client client({client_url(i)}, std::chrono::seconds(1), client_tls());
  std::string last_failure = "no answer yet";
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    check_still_running(i);
    try {
      // Also waits for its name in the member list: etcd publishes it
      // through raft shortly after the member starts.
      if (client.status(client_url(i)).leader != 0) {
        for (const Member& member : client.members()) {
          if (member.name == name(i)) return;
        }
        last_failure = "it is not in the member list under its name yet";
      } else {
        last_failure = "it knows of no leader";
      }
    } catch (const Error& error) {
      last_failure = error.what();
    }
    std::this_thread::sleep_for(kPoll);
  }
  throw_with_log(i, "is not up after " + std::to_string(limit.count()) + " s: " + last_failure);
}

void EtcdCluster::wait_until_all_agree_on_leader(std::chrono::seconds limit) {
  Client client(client_urls(), std::chrono::seconds(1), client_tls());
  std::string last_failure = "no answer yet";
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    std::set<uint64_t> leaders;
    bool all_answered = true;
    for (int i = 0; i < size() && all_answered; ++i) {
      check_still_running(i);
      try {
        leaders.insert(client.status(client_url(i)).leader);
      } catch (const Error& error) {
        all_answered = false;
        last_failure = error.what();
      }
    }
    if (all_answered && leaders.size() == 1 && *leaders.begin() != 0) {
      try {
        std::vector<Member> members = client.members();
        size_t started = 0;
        for (const Member& member : members) started += member.started() ? 1 : 0;
        if (started == static_cast<size_t>(size())) return;
        last_failure = std::to_string(started) + " of " + std::to_string(size()) + " members started";
      } catch (const Error& error) {
        last_failure = error.what();
      }
    } else if (all_answered) {
      last_failure = "members do not agree on one leader yet";
    }
    std::this_thread::sleep_for(kPoll);
  }
  std::string logs;
  for (int i = 0; i < size(); ++i) logs += "\n--- " + name(i) + " ---\n" + log(i);
  throw Error("etcd cluster not healthy after " + std::to_string(limit.count()) + " s: " + last_failure + logs);
}

void EtcdCluster::stop_member(int i) {
  Node& node = members_.at(static_cast<size_t>(i));
  if (node.pid <= 0) return;
  int status = 0;
  if (::waitpid(node.pid, &status, WNOHANG) == node.pid) {
    node.pid = -1;
    return;
  }
  ::kill(node.pid, SIGTERM);
  for (int poll = 0; poll < kStopPolls; ++poll) {
    if (::waitpid(node.pid, &status, WNOHANG) == node.pid) {
      node.pid = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(node.pid, SIGKILL);
  ::waitpid(node.pid, &status, 0);
  node.pid = -1;
}

void EtcdCluster::start_member(int i) {
  spawn(i, "new");  // ignored by etcd: the data dir already has the cluster
  wait_until_follows_leader(i, kStartLimit);
}

void EtcdCluster::join_member(int i) {
  const Node& node = members_.at(static_cast<size_t>(i));
  if (node.pid > 0) throw Error("EtcdCluster: " + node.name + " is running; stop it before it joins afresh");
  fs::remove_all(node.data_dir);
  spawn(i, "existing");
  wait_until_follows_leader(i, kStartLimit);
}

}  // namespace bronze::etcd::test
