#include "node/machined/service/access_policy.h"

#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <set>

#include "api/machine.grpc.pb.h"
#include "pki/pki.h"

namespace bronze::machined {
namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Every call of the service has its line in the table, and the table names
// no call the service lacks: a new RPC cannot slip in unguarded.
TEST(AccessPolicy, TheTableCoversEveryCallOfTheService) {
  const auto* service = bronze::machine::v1alpha1::VersionRequest::descriptor()->file()->FindServiceByName("MachineService");
  ASSERT_NE(service, nullptr);
  std::set<std::string> calls, listed;
  for (int i = 0; i < service->method_count(); ++i) calls.insert(service->method(i)->name());
  for (const auto& entry : access_table()) {
    EXPECT_TRUE(listed.insert(std::string(entry.call)).second) << entry.call << " is listed twice";
    EXPECT_FALSE(entry.roles.empty()) << entry.call;
    for (auto role : entry.roles) EXPECT_TRUE(config::is_known_role(role)) << entry.call << ": " << role;
  }
  EXPECT_EQ(calls, listed);
}

TEST(AccessPolicy, AdminMayCallEverything) {
  for (const auto& entry : access_table()) EXPECT_TRUE(authorize(entry.call, {"os:admin"}).ok()) << entry.call;
}

TEST(AccessPolicy, DenialNamesTheCallWhoMayAndWhatIsHeld) {
  auto denied = authorize("Upgrade", {"os:reader"});
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(has(denied.error_message(), "Upgrade needs a client certificate with role os:admin or os:operator; "
                                          "this one has os:reader"))
      << denied.error_message();
  auto none = authorize("Version", {});
  EXPECT_EQ(none.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(has(none.error_message(), "this one has no role")) << none.error_message();
  auto backup = authorize("EtcdSnapshot", {"os:reader"});
  EXPECT_TRUE(has(backup.error_message(), "role os:admin, os:operator or os:etcd:backup")) << backup.error_message();
  // A call the table does not know is nobody's.
  EXPECT_EQ(authorize("Shutdown", {"os:admin"}).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // Any one role held that may call it is enough.
  EXPECT_TRUE(authorize("EtcdSnapshot", {"os:reader", "os:etcd:backup"}).ok());
}

}  // namespace
}  // namespace bronze::machined
