// Whether a control plane node may take its etcd member down for an
// upgrade, judged from what every member said about itself. Pure, so that
// each rule is tested without a cluster.
//
// Safe only when:
//  - every member has started and is healthy: it answers Status, reports no
//    alarms or errors, knows a leader, and all agree on the same leader;
//  - the cluster does not have exactly two voting members (either one down
//    loses quorum, and a two-member cluster is one step of a bad change);
//  - quorum holds without this node: healthy voting members other than this
//    one >= voting members / 2 + 1.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cluster/etcd/types.h"

namespace bronze::etcd {

struct MemberHealth {
  Member member;
  // nullopt: it did not answer; `failure` says why.
  std::optional<MemberStatus> status;
  std::string failure;
};

struct SafetyVerdict {
  bool safe = false;
  // Each names the member at fault, or the cluster when none is.
  std::vector<std::string> problems;
};

SafetyVerdict judge_upgrade_safety(const std::vector<MemberHealth>& members, const std::string& this_member_name);

// How a verdict's problems name a member: its name, or for one that has not
// started (no name yet), its id and peer URLs.
std::string member_label(const Member& member);

}  // namespace bronze::etcd
