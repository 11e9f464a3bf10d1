#include "cluster/etcd/upgrade_safety_verdict.h"

#include <map>

namespace bronze::etcd {

namespace {

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string joined;
  for (const std::string& item : items) joined += (joined.empty() ? "" : separator) + item;
  return joined;
}

// Adds this member's own problems; true when it has none.
bool check_member(const MemberHealth& health, std::vector<std::string>& problems) {
  const std::string label = member_label(health.member);
  if (!health.member.started()) {
    problems.push_back(label + " has been added but has not started");
    return false;
  }
  if (!health.status) {
    problems.push_back(label + " does not answer: " + health.failure);
    return false;
  }
  if (!health.status->errors.empty()) {
    problems.push_back(label + " reports errors: " + join(health.status->errors, "; "));
    return false;
  }
  if (health.status->leader == 0) {
    problems.push_back(label + " knows of no leader");
    return false;
  }
  return true;
}

// Members that answered must all follow one leader: otherwise the cluster
// is mid-election or split, and taking a member down may tip it over.
void check_same_leader(const std::vector<MemberHealth>& members, std::vector<std::string>& problems) {
  std::map<uint64_t, std::vector<std::string>> followers_by_leader;
  for (const MemberHealth& health : members) {
    if (health.status && health.status->leader != 0) {
      followers_by_leader[health.status->leader].push_back(member_label(health.member));
    }
  }
  if (followers_by_leader.size() <= 1) return;
  std::vector<std::string> views;
  for (const auto& [leader, followers] : followers_by_leader) {
    views.push_back(join(followers, ", ") + " follow " + member_id_hex(leader));
  }
  problems.push_back("members disagree on the leader: " + join(views, "; "));
}

}  // namespace

std::string member_label(const Member& member) {
  if (member.started()) return member.name;
  return "member " + member_id_hex(member.id) + " (" + join(member.peer_urls, ", ") + ")";
}

SafetyVerdict judge_upgrade_safety(const std::vector<MemberHealth>& members, const std::string& this_member_name) {
  SafetyVerdict verdict;
  if (members.empty()) {
    verdict.problems.push_back("the etcd cluster lists no members");
    return verdict;
  }

  size_t voters = 0;
  size_t healthy_voters_besides_this = 0;
  std::vector<std::string> voter_names;
  for (const MemberHealth& health : members) {
    bool healthy = check_member(health, verdict.problems);
    if (health.member.is_learner) continue;
    ++voters;
    voter_names.push_back(member_label(health.member));
    if (healthy && health.member.name != this_member_name) ++healthy_voters_besides_this;
  }
  check_same_leader(members, verdict.problems);

  if (voters == 2) {
    verdict.problems.push_back("the cluster has exactly two members (" + join(voter_names, ", ") +
                               "): either one down loses quorum; add a third member first");
  }
  const size_t quorum = voters / 2 + 1;
  if (healthy_voters_besides_this < quorum) {
    verdict.problems.push_back("quorum would not hold while " + this_member_name + " is down: " +
                               std::to_string(healthy_voters_besides_this) + " healthy members besides it, " +
                               std::to_string(quorum) + " needed of " + std::to_string(voters));
  }
  verdict.safe = verdict.problems.empty();
  return verdict;
}

}  // namespace bronze::etcd
