// A real etcd cluster for tests: N members of /usr/bin/etcd (Debian's
// etcd-server) on 127.0.0.1 with free client and peer ports, data in a
// temporary folder, bootstrapped statically with --initial-cluster. Members
// are named etcd-0, etcd-1, ...; each can be stopped and started again by
// its pid. Only processes this class started are ever signalled, and all of
// them are stopped when it is destroyed. A member also dies with the thread
// that started it (PR_SET_PDEATHSIG), so that a test killed by its timeout
// leaves none behind: start and restart members from a thread that lives as
// long as the cluster, such as the test's main thread.
//
// With EtcdTransport::Tls every link is TLS with certificates from a test CA
// made here (pki/): clients must show a certificate from it
// (--client-cert-auth --trusted-ca-file), and so must members to each other
// (https peer URLs, --peer-client-cert-auth).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/files.h"
#include "cluster/etcd/client.h"
#include "pki/pki.h"

namespace bronze::etcd::test {

inline constexpr const char* kEtcdProgram = "/usr/bin/etcd";

// Ports that were free on 127.0.0.1 a moment ago, all different.
std::vector<uint16_t> free_loopback_ports(size_t count);

enum class EtcdTransport { Plain, Tls };
const char* to_string(EtcdTransport transport);

class EtcdCluster {
 public:
  // Starts `members` members and waits (bounded) until every one answers
  // and all follow one leader; throws with their logs when they do not.
  explicit EtcdCluster(int members, EtcdTransport transport = EtcdTransport::Plain);
  ~EtcdCluster();
  EtcdCluster(const EtcdCluster&) = delete;
  EtcdCluster& operator=(const EtcdCluster&) = delete;

  int size() const { return static_cast<int>(members_.size()); }
  std::string name(int i) const;
  std::string client_url(int i) const;
  std::string peer_url(int i) const;
  std::vector<std::string> client_urls() const;
  bool tls() const { return transport_ == EtcdTransport::Tls; }
  // With TLS: the test CA, which signed every member's certificate and
  // whose client certificates etcd accepts.
  const config::CertificateAuthority& ca() const;
  // The credentials a client needs here: a client certificate from the
  // test CA (named `common_name`); none without TLS.
  std::optional<TlsCredentials> client_tls(const std::string& common_name = "test-client") const;
  // A client of this cluster's members (over TLS when it has it).
  std::unique_ptr<Client> client(std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  bool running(int i) const { return members_.at(static_cast<size_t>(i)).pid > 0; }
  // Everything member i wrote to stdout and stderr, across its restarts.
  std::string log(int i) const;

  // SIGTERM, then SIGKILL when it has not exited within 10 s. Also reaps a
  // member that exited by itself (as etcd does when it is removed).
  void stop_member(int i);
  // Starts a stopped member again on its data dir and waits until it
  // answers and follows a leader.
  void start_member(int i);
  // Starts member i on an empty data dir with --initial-cluster-state
  // existing: how a member joins after MemberAdd with peer_url(i). The
  // --initial-cluster it gets lists every member of this class.
  void join_member(int i);

 private:
  struct Node {
    std::string name;
    uint16_t client_port = 0;
    uint16_t peer_port = 0;
    std::filesystem::path data_dir;
    std::filesystem::path log;
    pid_t pid = -1;
  };

  void spawn(int i, const std::string& cluster_state);
  // Bounded; throws with the member's log when it exits or stays silent.
  void wait_until_follows_leader(int i, std::chrono::seconds limit);
  void wait_until_all_agree_on_leader(std::chrono::seconds limit);
  void throw_with_log(int i, const std::string& what);
  void check_still_running(int i);
  std::string initial_cluster() const;

  std::string scheme() const { return tls() ? "https://" : "http://"; }
  void make_certificates();
  std::vector<std::string> tls_flags(int i) const;

  TempDir dir_;
  EtcdTransport transport_;
  std::optional<config::CertificateAuthority> ca_;
  std::string token_;
  std::vector<Node> members_;
};

}  // namespace bronze::etcd::test
