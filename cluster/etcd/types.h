// What the etcd client hands back: plain values, no protobuf types.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bronze::etcd {

struct Member {
  uint64_t id = 0;
  // Empty for a member that was added but has not started yet.
  std::string name;
  std::vector<std::string> peer_urls;
  std::vector<std::string> client_urls;
  // A learner replicates but does not vote: it does not count for quorum.
  bool is_learner = false;

  bool started() const { return !name.empty(); }
};

// One member's own view, from Maintenance.Status.
struct MemberStatus {
  uint64_t member_id = 0;
  uint64_t leader = 0;  // 0: it knows of no leader
  uint64_t raft_term = 0;
  uint64_t raft_index = 0;
  std::string version;
  // Alarms and other trouble it reports (e.g. "NOSPACE").
  std::vector<std::string> errors;
};

struct KeyValue {
  std::string value;
  int64_t create_revision = 0;
  int64_t mod_revision = 0;
  int64_t lease = 0;  // 0: not bound to a lease
};

// etcd writes member ids in hexadecimal; so do we, so they can be compared
// with etcdctl's output.
std::string member_id_hex(uint64_t id);

}  // namespace bronze::etcd
