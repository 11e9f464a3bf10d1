#include "bronzectl/snapshot_verifier.h"

#include <gtest/gtest.h>

#include <array>

#include "base/error.h"
#include "base/sha256.h"

namespace bronze::ctl {
namespace {

std::string raw_sha256(const std::string& data) {
  Sha256 hash;
  hash.update(data);
  auto digest = hash.digest();
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

// A database of `sectors` 512-byte sectors and its hash, as etcd streams it.
std::string snapshot(size_t sectors) {
  std::string database(sectors * 512, '\0');
  for (size_t i = 0; i < database.size(); ++i) database[i] = static_cast<char>(i * 7 % 251);
  return database + raw_sha256(database);
}

std::string error_of(const std::string& stream, size_t piece) {
  SnapshotVerifier verifier;
  for (size_t at = 0; at < stream.size(); at += piece) verifier.add(std::string_view(stream).substr(at, piece));
  try {
    verifier.finish();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(SnapshotVerifier, AcceptsADatabaseFollowedByItsHashInAnyPieces) {
  std::string good = snapshot(16);
  for (size_t piece : {1u, 31u, 32u, 33u, 512u, 4096u, 100000u}) EXPECT_EQ(error_of(good, piece), "") << piece;
  SnapshotVerifier verifier;
  verifier.add(good);
  EXPECT_EQ(verifier.finish(), sha256_hex(good.substr(0, good.size() - 32)));
  EXPECT_EQ(verifier.size(), good.size());
}

TEST(SnapshotVerifier, RefusesAFlippedByteAMissingHashAndATruncatedStream) {
  std::string good = snapshot(8);
  for (size_t at : {size_t{0}, size_t{4095}, good.size() - 1}) {
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x40);
    EXPECT_NE(error_of(bad, 1000).find("damaged"), std::string::npos) << at;
  }
  EXPECT_NE(error_of(good.substr(0, good.size() - 32), 1000).find("not an etcd snapshot"), std::string::npos);
  EXPECT_NE(error_of(good.substr(0, good.size() - 1), 1000).find("not an etcd snapshot"), std::string::npos);
  EXPECT_NE(error_of("", 1).find("0 bytes"), std::string::npos);
  EXPECT_NE(error_of(good.substr(good.size() - 32), 1).find("not an etcd snapshot"), std::string::npos);
}

}  // namespace
}  // namespace bronze::ctl
