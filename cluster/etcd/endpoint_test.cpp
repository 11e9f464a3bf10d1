#include "cluster/etcd/endpoint.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace bronze::etcd {
namespace {

TEST(GrpcTarget, StripsTheScheme) {
  EXPECT_EQ(grpc_target("http://127.0.0.1:2379"), "127.0.0.1:2379");
  EXPECT_EQ(grpc_target("http://etcd.example:2379/"), "etcd.example:2379");
  EXPECT_EQ(grpc_target("10.0.0.2:2379"), "10.0.0.2:2379");
  EXPECT_EQ(grpc_target("http://[fd00::1]:2379"), "[fd00::1]:2379");
  EXPECT_EQ(grpc_target("https://127.0.0.1:2379"), "127.0.0.1:2379");
  EXPECT_TRUE(is_https("https://127.0.0.1:2379"));
  EXPECT_FALSE(is_https("http://127.0.0.1:2379"));
  EXPECT_FALSE(is_https("127.0.0.1:2379"));
}

TEST(GrpcTarget, RefusesWhatItCannotDial) {
  EXPECT_THROW(grpc_target("https://127.0.0.1"), Error);
  EXPECT_THROW(grpc_target("http://127.0.0.1"), Error);
  EXPECT_THROW(grpc_target("http://127.0.0.1:2379/v3"), Error);
  EXPECT_THROW(grpc_target(""), Error);
}

}  // namespace
}  // namespace bronze::etcd
