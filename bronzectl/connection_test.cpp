#include "bronzectl/connection.h"

#include <gtest/gtest.h>

namespace bronze::ctl {

TEST(ApiTarget, AddsTheApiPortOnlyWhenNoneIsGiven) {
  EXPECT_EQ(api_target("10.0.0.5"), "10.0.0.5:50000");
  EXPECT_EQ(api_target("node-1.example"), "node-1.example:50000");
  EXPECT_EQ(api_target("127.0.0.1:41234"), "127.0.0.1:41234");
  EXPECT_EQ(api_target("fd00::5"), "[fd00::5]:50000");
  EXPECT_EQ(api_target("[fd00::5]"), "[fd00::5]:50000");
  EXPECT_EQ(api_target("[fd00::5]:7000"), "[fd00::5]:7000");
}

TEST(DescribeFailure, NamesTheCauseAUserCanFix) {
  Connection c;
  c.target = "127.0.0.1:50000";
  auto refused = describe_failure(c, grpc::Status(grpc::StatusCode::UNAVAILABLE, "failed to connect: Connection refused"));
  EXPECT_NE(refused.find("cannot reach the node API at 127.0.0.1:50000"), std::string::npos) << refused;
  auto tls = describe_failure(c, grpc::Status(grpc::StatusCode::UNAVAILABLE, "Ssl handshake failed: certificate verify failed"));
  EXPECT_NE(tls.find("refused the TLS handshake"), std::string::npos) << tls;
  auto role = describe_failure(c, grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "Upgrade needs os:admin"));
  EXPECT_NE(role.find("refused by 127.0.0.1:50000: Upgrade needs os:admin"), std::string::npos) << role;
}

}  // namespace bronze::ctl

namespace bronze::ctl {

TEST(SeenCertificate, AcceptsOnlyTheExpectedFingerprintAndRecordsWhatCame) {
  const std::string a(64, 'a'), b(64, 'b');
  SeenCertificate any("");
  EXPECT_EQ(any.seen(), "");
  EXPECT_TRUE(any.check(a));
  EXPECT_EQ(any.seen(), a);
  EXPECT_FALSE(any.refused());

  SeenCertificate expected(a);
  EXPECT_FALSE(expected.check(b));
  EXPECT_TRUE(expected.refused());
  EXPECT_EQ(expected.seen(), b);
  EXPECT_TRUE(expected.check(a));
  EXPECT_EQ(expected.seen(), a);
}

TEST(DescribeFailure, AMissingTokenIsARefusal) {
  Connection c;
  c.target = "127.0.0.1:50000";
  auto token = describe_failure(c, grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "needs the maintenance token"));
  EXPECT_EQ(token, "refused by 127.0.0.1:50000: needs the maintenance token");
}

}  // namespace bronze::ctl
