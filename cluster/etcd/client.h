// An etcd v3 client over gRPC (the sync API). Every call has a deadline;
// failures are bronze::Error naming the endpoint(s) and the cause. Calls go
// to the endpoint that last answered and move on to the others when it does
// not. Thread-safe: one Client may serve several threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/etcd/keep_alive_stream.h"
#include "cluster/etcd/types.h"

namespace bronze::etcd {

class GrpcChannels;

// TLS with a client certificate, for an etcd that serves https and asks its
// clients for a certificate (--client-cert-auth --trusted-ca-file).
struct TlsCredentials {
  std::string ca_pem;   // the CA that signed etcd's serving certificates
  std::string crt_pem;  // our client certificate
  std::string key_pem;  // its key
};

class Client {
 public:
  // endpoints: client URLs such as "http://127.0.0.1:2379", or with `tls`
  // "https://127.0.0.1:2379": all http without it, all https with it, else
  // bronze::Error. Every call (and the Status of each member, at its own
  // URL) then goes over TLS with that CA and client certificate.
  // `timeout` is every call's deadline, per endpoint tried.
  explicit Client(std::vector<std::string> endpoints,
                  std::chrono::milliseconds timeout = std::chrono::seconds(5),
                  std::optional<TlsCredentials> tls = std::nullopt);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const std::vector<std::string>& endpoints() const;
  std::chrono::milliseconds timeout() const;
  bool uses_tls() const;

  // Membership.
  std::vector<Member> members();
  // Maintenance.Status asked of one member at `client_url` (not through the
  // endpoints): throws when that member does not answer.
  MemberStatus status(const std::string& client_url);
  // Adds a voting member that must then start with
  // --initial-cluster-state existing; returns its id.
  uint64_t add_member(const std::vector<std::string>& peer_urls);
  // A member that is not (or no longer) in the membership counts as removed.
  void remove_member(uint64_t id);
  // Maintenance.MoveLeader at `leader_client_url` (the leader's): makes
  // `target` the leader, as `etcdctl move-leader` does.
  void move_leader(const std::string& leader_client_url, uint64_t target);

  // Maintenance.Snapshot from the first endpoint that answers: every piece
  // of the stream (the backend database, then etcd's trailing sha256 of it)
  // goes to `sink` in order; a sink that returns false cancels the call.
  // `deadline` bounds the whole stream. Throws bronze::Error naming the
  // endpoint when the stream fails or ends early; pieces already given to
  // the sink are then incomplete, which the caller must discard.
  void snapshot(const std::function<bool(const std::string& piece)>& sink, std::chrono::seconds deadline);

  // Keys. Reads are linearizable (they go through the leader).
  std::optional<std::string> get(const std::string& key);
  std::optional<KeyValue> get_entry(const std::string& key);
  void put(const std::string& key, const std::string& value, int64_t lease = 0);
  // True when the key existed.
  bool erase(const std::string& key);
  // Compare-and-create in one transaction: puts key=value bound to `lease`
  // only when the key does not exist (its create revision is 0). Returns
  // nullopt when it did; otherwise the entry that is there.
  std::optional<KeyValue> put_if_absent(const std::string& key, const std::string& value, int64_t lease);

  // Leases.
  int64_t grant_lease(std::chrono::seconds ttl);
  // False when the lease was already gone (expired or revoked). Revoking
  // deletes the keys bound to it.
  bool revoke_lease(int64_t id);
  // Seconds left; -1 when the lease has expired or never existed.
  int64_t lease_ttl_left(int64_t id);
  // One renewal on a stream of its own; false when the lease is gone.
  bool keep_alive_once(int64_t id);
  // A renewal stream to the preferred endpoint that ends after `lifetime`;
  // for LeaseKeepAlive. A broken stream moves the preference on.
  std::unique_ptr<KeepAliveStream> open_keep_alive_stream(std::chrono::milliseconds lifetime);

 private:
  std::unique_ptr<GrpcChannels> channels_;
};

}  // namespace bronze::etcd
