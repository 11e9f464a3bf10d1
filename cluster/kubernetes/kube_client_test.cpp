// The client against a fake API server on 127.0.0.1.
#include "cluster/kubernetes/kube_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "base/error.h"
#include "tests/support/fake_kube_api_server.h"

namespace bronze::kube {
namespace {

using nlohmann::json;
using test::FakeApiServer;
using test::running_pod;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

// The message of the bronze::Error that `action` throws, or a failure.
template <typename Action>
std::string error_of(Action action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a bronze::Error";
  return {};
}

json owned_by(json pod, const std::string& kind) {
  pod["metadata"]["ownerReferences"] = json::array({{{"apiVersion", "apps/v1"}, {"kind", kind}, {"name", "owner"},
                                                      {"uid", "owner-uid"}, {"controller", true}}});
  return pod;
}

// Quick retries, so that the tests take well under a second each.
DrainOptions quick(std::vector<std::string>* log = nullptr) {
  DrainOptions options;
  options.deadline = 5s;
  options.retry_interval = 10ms;
  if (log) options.log = [log](const std::string& line) { log->push_back(line); };
  return options;
}

int count_requests(FakeApiServer& server, const std::string& method, const std::string& target) {
  auto requests = server.requests();
  return static_cast<int>(std::count_if(requests.begin(), requests.end(), [&](const bronze::test::HttpRequest& r) {
    return r.method == method && r.target == target;
  }));
}

bool contains_line_with(const std::vector<std::string>& log, const std::string& text) {
  return std::any_of(log.begin(), log.end(), [&](const std::string& line) { return line.find(text) != line.npos; });
}

class KubeClientTest : public ::testing::Test {
 protected:
  KubeClientTest() {
    server.add_node("n1");
    server.add_node("n2");
  }
  Client client() { return Client(ApiOptions{server.url(), "secret-token", "", "", "", 5}); }

  FakeApiServer server;
};

TEST_F(KubeClientTest, CordonSetsUnschedulableAndUncordonClearsIt) {
  server.require_token("secret-token");
  Client kube = client();

  kube.cordon("n1");
  EXPECT_TRUE(server.node("n1")->at("spec").value("unschedulable", false));
  EXPECT_FALSE(server.node("n2")->at("spec").value("unschedulable", false));

  kube.uncordon("n1");
  EXPECT_FALSE(server.node("n1")->at("spec").value("unschedulable", false));

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "PATCH");
  EXPECT_EQ(requests[0].target, "/api/v1/nodes/n1");
  EXPECT_EQ(requests[0].header("content-type"), "application/strategic-merge-patch+json");
  EXPECT_EQ(requests[0].header("authorization"), "Bearer secret-token");
  EXPECT_EQ(json::parse(requests[0].body), (json{{"spec", {{"unschedulable", true}}}}));
}

TEST_F(KubeClientTest, CordonOfAnUnknownNodeNamesIt) {
  std::string message = error_of([&] { client().cordon("n9"); });
  EXPECT_THAT(message, HasSubstr("cordon node n9"));
  EXPECT_THAT(message, HasSubstr("no node of that name"));
}

TEST_F(KubeClientTest, DrainEvictsOnlyEvictablePodsAndWaitsForThemToGo) {
  json mirror = running_pod("kube-system", "kube-apiserver-n1", "n1");
  mirror["metadata"]["annotations"] = {{"kubernetes.io/config.mirror", "0123abcd"}};
  json finished = running_pod("batch", "report-1", "n1");
  finished["status"]["phase"] = "Succeeded";
  json failed = running_pod("batch", "report-2", "n1");
  failed["status"]["phase"] = "Failed";
  server.add_pod(owned_by(running_pod("default", "web-1", "n1"), "ReplicaSet"));
  server.add_pod(running_pod("default", "bare", "n1"));
  server.add_pod(owned_by(running_pod("kube-system", "kube-proxy-n1", "n1"), "DaemonSet"));
  server.add_pod(mirror);
  server.add_pod(finished);
  server.add_pod(failed);
  server.add_pod(owned_by(running_pod("default", "web-2", "n2"), "ReplicaSet"));
  // Evicted pods take a while to terminate; drain must wait for them.
  server.set_deletion_delay(150ms);

  std::vector<std::string> log;
  client().drain("n1", quick(&log));

  auto evicted = server.evicted();
  std::sort(evicted.begin(), evicted.end());
  EXPECT_EQ(evicted, (std::vector<std::string>{"default/bare", "default/web-1"}));
  EXPECT_FALSE(server.has_pod("default/web-1"));
  EXPECT_FALSE(server.has_pod("default/bare"));
  for (const char* stays : {"kube-system/kube-proxy-n1", "kube-system/kube-apiserver-n1", "batch/report-1",
                            "batch/report-2", "default/web-2"}) {
    EXPECT_TRUE(server.has_pod(stays)) << stays;
  }
  EXPECT_EQ(count_requests(server, "GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dn1"), 1);
  // It looked more than once: the pods were still terminating at first.
  EXPECT_GT(count_requests(server, "GET", "/api/v1/namespaces/default/pods/web-1"), 1);

  auto requests = server.requests();
  auto eviction = std::find_if(requests.begin(), requests.end(), [](const bronze::test::HttpRequest& r) {
    return r.target == "/api/v1/namespaces/default/pods/web-1/eviction";
  });
  ASSERT_NE(eviction, requests.end());
  EXPECT_EQ(eviction->method, "POST");
  EXPECT_EQ(json::parse(eviction->body),
            (json{{"apiVersion", "policy/v1"},
                  {"kind", "Eviction"},
                  {"metadata", {{"name", "web-1"}, {"namespace", "default"}}}}));

  EXPECT_TRUE(contains_line_with(log, "evicting default/web-1"));
  EXPECT_TRUE(contains_line_with(log, "leaving kube-system/kube-proxy-n1 (DaemonSet)"));
  EXPECT_TRUE(contains_line_with(log, "drained node n1"));
}

TEST_F(KubeClientTest, DrainOfAnEmptyNodeSucceeds) {
  client().drain("n2", quick());
  EXPECT_TRUE(server.evicted().empty());
}

TEST_F(KubeClientTest, DrainRetriesWhileTheDisruptionBudgetRefuses) {
  server.add_pod(running_pod("default", "db-0", "n1"));
  server.protect_with_budget("default/db-0", 3);

  std::vector<std::string> log;
  client().drain("n1", quick(&log));

  EXPECT_EQ(server.evicted(), std::vector<std::string>{"default/db-0"});
  EXPECT_EQ(count_requests(server, "POST", "/api/v1/namespaces/default/pods/db-0/eviction"), 4);
  EXPECT_TRUE(contains_line_with(log, "default/db-0: 429, Cannot evict pod as it would violate the pod's "
                                      "disruption budget.; retrying"));
}

TEST_F(KubeClientTest, BudgetThatNeverAllowsFailsAtTheDeadlineNamingThePod) {
  server.add_pod(running_pod("default", "db-0", "n1"));
  server.add_pod(running_pod("default", "web-1", "n1"));
  server.protect_with_budget("default/db-0", FakeApiServer::kAlwaysRefuse);
  DrainOptions options = quick();
  options.deadline = 300ms;

  auto start = std::chrono::steady_clock::now();
  std::string message = error_of([&] { client().drain("n1", options); });
  auto took = std::chrono::steady_clock::now() - start;

  EXPECT_THAT(message, HasSubstr("cannot drain node n1: pod default/db-0 could not be evicted within 300 ms"));
  EXPECT_THAT(message, HasSubstr("disruption budget"));
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 3s);
  // The held-back pod did not keep the other from going.
  EXPECT_EQ(server.evicted(), std::vector<std::string>{"default/web-1"});
}

TEST_F(KubeClientTest, PodThatDoesNotTerminateFailsAtTheDeadline) {
  server.add_pod(running_pod("default", "slow", "n1"));
  server.set_deletion_delay(10s);
  DrainOptions options = quick();
  options.deadline = 200ms;

  std::string message = error_of([&] { client().drain("n1", options); });
  EXPECT_THAT(message, HasSubstr("pod default/slow was evicted but had not gone within 200 ms"));
}

TEST_F(KubeClientTest, PodReplacedUnderTheSameNameCountsAsGone) {
  server.add_pod(owned_by(running_pod("default", "db-0", "n1"), "StatefulSet"));
  server.recreate_when_evicted("default/db-0");

  client().drain("n1", quick());

  EXPECT_EQ(server.evicted(), std::vector<std::string>{"default/db-0"});
  EXPECT_TRUE(server.has_pod("default/db-0"));  // the replacement
}

TEST(KubeClient, ApiServerThatIsDownGivesAnErrorNamingIt) {
  std::string host = "127.0.0.1:" + std::to_string(bronze::test::unused_port());
  Client kube(ApiOptions{"http://" + host, "", "", "", "", 5});

  std::string message = error_of([&] { kube.cordon("n1"); });
  EXPECT_THAT(message, HasSubstr("cannot reach Kubernetes API server " + host));
  EXPECT_THAT(message, HasSubstr("Connection refused"));
  EXPECT_THAT(error_of([&] { kube.drain("n1", quick()); }), HasSubstr(host));
}

TEST_F(KubeClientTest, ForbiddenAnswerGivesTheApisMessage) {
  const std::string rbac = "nodes \"n1\" is forbidden: User \"system:serviceaccount:kube-system:bronze\" cannot "
                           "patch resource \"nodes\" in API group \"\" at the cluster scope";
  server.forbid_everything(rbac);
  Client kube = client();

  std::string message = error_of([&] { kube.cordon("n1"); });
  EXPECT_THAT(message, HasSubstr("refused to cordon node n1: 403 Forbidden: " + rbac));
  EXPECT_THAT(error_of([&] { kube.drain("n1", quick()); }),
              HasSubstr("refused to list the pods on node n1: 403 Forbidden"));
}

TEST_F(KubeClientTest, MissingTokenIsRefused) {
  server.require_token("another-token");
  EXPECT_THAT(error_of([&] { client().uncordon("n1"); }), HasSubstr("refused to uncordon node n1: 401 Unauthorized"));
}

}  // namespace
}  // namespace bronze::kube
