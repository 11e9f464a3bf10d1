#include "disk/meta/node_state.h"

#include <gtest/gtest.h>

#include <string>

#include "base/error.h"
#include "disk/meta/meta.h"

namespace bronze::disk {
namespace {

// A META copy as BronzeDisk::open reads it: decoded, then typed.
NodeState read_back(const MetaStore& store) {
  auto decoded = decode_meta_copy(encode_meta_copy(store));
  EXPECT_TRUE(decoded);
  return NodeState::from_meta(*decoded);
}

std::string error_of(const std::string& location) {
  MetaStore store;
  store.values["bootstate.1"] = location;
  try {
    read_back(store);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(NodeState, RoundTripsThroughMeta) {
  NodeState node;
  node.a = {"v1.2.0", true};
  node.b = {"v1.3.0", false};
  node.pending_version = "v1.3.0";
  node.state1_offsets = {1050624, 1051136};
  node.state2_offsets = {18446744073709551615u};
  NodeState back = read_back(node.to_meta());
  EXPECT_EQ(back.a.version, "v1.2.0");
  EXPECT_TRUE(back.a.committed);
  EXPECT_FALSE(back.b.committed);
  EXPECT_EQ(back.pending_version, "v1.3.0");
  EXPECT_EQ(back.state1_offsets, node.state1_offsets);
  EXPECT_EQ(back.state2_offsets, node.state2_offsets);
}

// Found by fuzzing META (tests/fuzz/meta.cpp): a boot state location past
// 64 bits made std::stoull throw std::out_of_range, which no caller of
// BronzeDisk::open catches. Every malformed location is a bronze::Error
// naming it.
TEST(NodeState, AMalformedBootStateLocationIsAnError) {
  for (const std::string location :
       {"18446744073709551616", "99999999999999999999999", ",1", "1,,2", "-1", "+1", " 1", "0x10"}) {
    std::string error = error_of(location);
    EXPECT_NE(error.find("META holds a malformed boot state location '" + location + "'"), std::string::npos)
        << location << ": " << error;
  }
}

}  // namespace
}  // namespace bronze::disk
