#include "cluster/etcd/upgrade_safety_verdict.h"

#include <gtest/gtest.h>

namespace bronze::etcd {
namespace {

constexpr uint64_t kLeader = 0x10;

MemberHealth healthy(const std::string& name, uint64_t id) {
  MemberStatus status;
  status.member_id = id;
  status.leader = kLeader;
  status.raft_term = 2;
  return {Member{id, name, {"http://" + name + ":2380"}, {"http://" + name + ":2379"}, false}, status, {}};
}

MemberHealth silent(const std::string& name, uint64_t id) {
  MemberHealth health = healthy(name, id);
  health.status.reset();
  health.failure = "UNAVAILABLE: connection refused";
  return health;
}

std::vector<MemberHealth> three_healthy() {
  return {healthy("cp-0", kLeader), healthy("cp-1", 0x11), healthy("cp-2", 0x12)};
}

// True when one problem mentions every one of `words`.
bool has_problem(const SafetyVerdict& verdict, std::initializer_list<std::string> words) {
  for (const std::string& problem : verdict.problems) {
    bool all = true;
    for (const std::string& word : words) all = all && problem.find(word) != std::string::npos;
    if (all) return true;
  }
  return false;
}

TEST(UpgradeSafetyVerdict, ThreeHealthyMembersAreSafe) {
  SafetyVerdict verdict = judge_upgrade_safety(three_healthy(), "cp-1");
  EXPECT_TRUE(verdict.safe);
  EXPECT_TRUE(verdict.problems.empty());
}

TEST(UpgradeSafetyVerdict, FiveMembersWithOneDownAreNotSafe) {
  std::vector<MemberHealth> members = three_healthy();
  members.push_back(healthy("cp-3", 0x13));
  members.push_back(silent("cp-4", 0x14));
  SafetyVerdict verdict = judge_upgrade_safety(members, "cp-0");
  EXPECT_FALSE(verdict.safe);
  EXPECT_TRUE(has_problem(verdict, {"cp-4", "does not answer", "connection refused"}));
}

TEST(UpgradeSafetyVerdict, AMemberThatDoesNotAnswerIsNamed) {
  std::vector<MemberHealth> members = three_healthy();
  members[2] = silent("cp-2", 0x12);
  SafetyVerdict verdict = judge_upgrade_safety(members, "cp-1");
  EXPECT_FALSE(verdict.safe);
  EXPECT_TRUE(has_problem(verdict, {"cp-2", "does not answer"}));
  // cp-0 alone is not a quorum of three.
  EXPECT_TRUE(has_problem(verdict, {"quorum", "cp-1", "1 healthy", "2 needed"}));
}

TEST(UpgradeSafetyVerdict, AlarmsAreProblems) {
  std::vector<MemberHealth> members = three_healthy();
  members[0].status->errors = {"memberID:16 alarm:NOSPACE"};
  SafetyVerdict verdict = judge_upgrade_safety(members, "cp-1");
  EXPECT_FALSE(verdict.safe);
  EXPECT_TRUE(has_problem(verdict, {"cp-0", "NOSPACE"}));
}

TEST(UpgradeSafetyVerdict, AnAddedMemberThatHasNotStartedIsNamedByIdAndPeerUrl) {
  std::vector<MemberHealth> members = three_healthy();
  members.push_back({Member{0xabc, "", {"http://10.0.0.9:2380"}, {}, false}, std::nullopt, {}});
  SafetyVerdict verdict = judge_upgrade_safety(members, "cp-0");
  EXPECT_FALSE(verdict.safe);
  EXPECT_TRUE(has_problem(verdict, {"member abc", "http://10.0.0.9:2380", "not started"}));
}

TEST(UpgradeSafetyVerdict, NoLeaderOrTwoLeadersAreProblems) {
  std::vector<MemberHealth> members = three_healthy();
  members[1].status->leader = 0;
  EXPECT_TRUE(has_problem(judge_upgrade_safety(members, "cp-0"), {"cp-1", "no leader"}));

  members = three_healthy();
  members[2].status->leader = 0x12;
  SafetyVerdict verdict = judge_upgrade_safety(members, "cp-0");
  EXPECT_FALSE(verdict.safe);
  EXPECT_TRUE(has_problem(verdict, {"disagree", "cp-0, cp-1 follow 10", "cp-2 follow 12"}));
}

TEST(UpgradeSafetyVerdict, ExactlyTwoMembersAreNeverSafe) {
  SafetyVerdict verdict = judge_upgrade_safety({healthy("cp-0", kLeader), healthy("cp-1", 0x11)}, "cp-1");
  EXPECT_FALSE(verdict.safe);
  EXPECT_TRUE(has_problem(verdict, {"exactly two members", "cp-0", "cp-1"}));
}

TEST(UpgradeSafetyVerdict, ASingleMemberCannotKeepQuorumWithoutItself) {
  SafetyVerdict verdict = judge_upgrade_safety({healthy("cp-0", kLeader)}, "cp-0");
  EXPECT_FALSE(verdict.safe);
  EXPECT_TRUE(has_problem(verdict, {"quorum", "0 healthy", "1 needed"}));
}

TEST(UpgradeSafetyVerdict, LearnersDoNotCountForQuorum) {
  std::vector<MemberHealth> members = {healthy("cp-0", kLeader), healthy("cp-1", 0x11), healthy("cp-2", 0x12)};
  members[2].member.is_learner = true;
  // Two voters: the two-member rule applies even with a learner beside them.
  EXPECT_TRUE(has_problem(judge_upgrade_safety(members, "cp-2"), {"exactly two members"}));

  members.push_back(healthy("cp-3", 0x13));
  members.push_back(healthy("cp-4", 0x14));
  EXPECT_TRUE(judge_upgrade_safety(members, "cp-0").safe);
}

TEST(UpgradeSafetyVerdict, NoMembersIsNotSafe) {
  EXPECT_FALSE(judge_upgrade_safety({}, "cp-0").safe);
}

}  // namespace
}  // namespace bronze::etcd
