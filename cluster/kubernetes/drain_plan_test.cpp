#include "cluster/kubernetes/drain_plan.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace bronze::kube {
namespace {

using nlohmann::json;

json pod(const std::string& name, const std::string& phase = "Running") {
  return {{"metadata", {{"namespace", "default"}, {"name", name}, {"uid", "uid-" + name}}},
          {"status", {{"phase", phase}}}};
}

json owned_by(json p, const std::string& kind) {
  p["metadata"]["ownerReferences"] = json::array({{{"kind", kind}, {"name", "owner"}, {"controller", true}}});
  return p;
}

TEST(DrainPlan, EvictsRunningAndPendingPodsOfAnyOtherOwner) {
  json list = {{"items", {pod("plain"), pod("starting", "Pending"), owned_by(pod("web"), "ReplicaSet"),
                          owned_by(pod("db"), "StatefulSet")}}};
  DrainPlan plan = plan_drain(list);
  ASSERT_EQ(plan.evict.size(), 4u);
  EXPECT_EQ(plan.evict[0].id(), "default/plain");
  EXPECT_EQ(plan.evict[0].uid, "uid-plain");
  EXPECT_TRUE(plan.skipped.empty());
}

TEST(DrainPlan, LeavesDaemonSetMirrorAndFinishedPods) {
  json mirror = pod("kube-apiserver-n1");
  mirror["metadata"]["annotations"] = {{"kubernetes.io/config.mirror", "abc"}};
  json list = {{"items", {owned_by(pod("kube-proxy"), "DaemonSet"), mirror, pod("job-1", "Succeeded"),
                          pod("job-2", "Failed"), pod("web")}}};
  DrainPlan plan = plan_drain(list);
  ASSERT_EQ(plan.evict.size(), 1u);
  EXPECT_EQ(plan.evict[0].id(), "default/web");
  EXPECT_EQ(plan.skipped, (std::vector<std::string>{"default/kube-proxy (DaemonSet)",
                                                    "default/kube-apiserver-n1 (mirror pod)",
                                                    "default/job-1 (Succeeded)", "default/job-2 (Failed)"}));
}

TEST(DrainPlan, EmptyListsInEitherSpelling) {
  EXPECT_TRUE(plan_drain(json{{"items", json::array()}}).evict.empty());
  EXPECT_TRUE(plan_drain(json{{"items", nullptr}}).evict.empty());
}

TEST(DrainPlan, RefusesWhatIsNotAPodList) {
  EXPECT_THROW(plan_drain(json{{"kind", "Status"}}), Error);
  EXPECT_THROW(plan_drain(json::array()), Error);
  EXPECT_THROW(plan_drain(json{{"items", {{{"metadata", {{"name", "x"}}}}}}}), Error);
}

}  // namespace
}  // namespace bronze::kube
