#include "bronzectl/rollout.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace bronze::ctl {

using Batches = std::vector<std::vector<std::string>>;

TEST(Rollout, ControlPlaneOneAtATimeThenWorkersByMaxUnavailable) {
  std::vector<RolloutNode> nodes = {{"w1", "worker"},       {"cp1", "controlplane"}, {"w2", "worker"},
                                    {"cp2", "controlplane"}, {"w3", "worker"},       {"cp3", "controlplane"}};
  EXPECT_EQ(plan_rollout(nodes, 2), (Batches{{"cp1"}, {"cp2"}, {"cp3"}, {"w1", "w2"}, {"w3"}}));
  EXPECT_EQ(plan_rollout(nodes, 1), (Batches{{"cp1"}, {"cp2"}, {"cp3"}, {"w1"}, {"w2"}, {"w3"}}));
  EXPECT_EQ(plan_rollout(nodes, 5), (Batches{{"cp1"}, {"cp2"}, {"cp3"}, {"w1", "w2", "w3"}}));
}

TEST(Rollout, RefusesAMaxUnavailableBelowOne) { EXPECT_THROW(plan_rollout({{"w1", "worker"}}, 0), Error); }

}  // namespace bronze::ctl
