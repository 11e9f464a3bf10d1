#include "cluster/etcd/upgrade_safety.h"

#include "base/error.h"

namespace bronze::etcd {

SafetyVerdict check_upgrade_safety(Client& client, const std::string& this_member_name) {
  std::vector<Member> members;
  try {
    members = client.members();
  } catch (const Error& error) {
    return SafetyVerdict{false, {std::string("cannot list the etcd members: ") + error.what()}};
  }

  std::vector<MemberHealth> health;
  for (Member& member : members) {
    MemberHealth entry{std::move(member), std::nullopt, {}};
    if (!entry.member.started()) {
      // Not started: no client URL to ask, and the verdict says so.
    } else if (entry.member.client_urls.empty()) {
      entry.failure = "it advertises no client URL";
    } else {
      try {
        entry.status = client.status(entry.member.client_urls.front());
      } catch (const Error& error) {
        entry.failure = error.what();
      }
    }
    health.push_back(std::move(entry));
  }
  return judge_upgrade_safety(health, this_member_name);
}

}  // namespace bronze::etcd
