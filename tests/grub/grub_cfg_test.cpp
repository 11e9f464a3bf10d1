// The real grub.cfg of a built image, run by GRUB's own script engine and
// menu code (grub-emu) through every boot-state case: which entry boots, and
// what GRUB leaves in tally.env.

#include <gtest/gtest.h>

#include <utility>

#include "base/files.h"
#include "disk/boot/boot_state.h"
#include "tests/grub/boot_disk.h"
#include "tests/support/grub_emu.h"
#include "tests/support/image_fixture.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;
using disk::BootState;
using disk::kFirstGeneration;
using disk::Tally;

// The installer writes state-1 at kFirstGeneration + 1 (in use) and state-2
// at kFirstGeneration; an upgrade writes the copy not in use, state-2.
constexpr uint64_t kInstalled = kFirstGeneration + 1;
constexpr uint64_t kUpgrade = kFirstGeneration + 2;

class GrubCfgTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("bronze-grub-cfg-test");
    make_key_pair(dir_->path(), "key");
    build_image(dir_->path() / "out", "v1", dir_->path() / "key.pem");
    // Slot B as an upgrade leaves it, and as a broken one: slot.env but no kernel.
    copy_disk(slot_a_only(), with_b()).fill_slot_b("v2", true);
    copy_disk(slot_a_only(), with_b_no_kernel()).fill_slot_b("v2", false);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static fs::path slot_a_only() { return dir_->path() / "out" / "metal-amd64.raw"; }
  static fs::path with_b() { return dir_->path() / "with-b.raw"; }
  static fs::path with_b_no_kernel() { return dir_->path() / "with-b-no-kernel.raw"; }

  // Each test boots its own copy, since GRUB writes to it.
  BootDisk disk(const fs::path& from) { return copy_disk(from, work_.path() / "disk.raw"); }

  // GRUB prints this for a block without the signature line; a case that
  // writes one expects it.
  static constexpr const char* kInvalidBlock = "error: invalid environment block.";

  static GrubDecision boot(const BootDisk& d, bool list_entries = false, const std::string& allowed_error = "") {
    GrubEmuOptions options;
    options.list_entries = list_entries;
    GrubDecision decision = evaluate_grub_cfg(d.path(), options);
    for (const auto& e : unexpected_errors(decision)) {
      EXPECT_EQ(e, allowed_error) << decision.output;
    }
    return decision;
  }

  // The entry a default or fallback value names: GRUB takes a number as a
  // position in the menu, anything else as an id or title.
  static std::string entry_named(const GrubDecision& g, const std::string& spec) {
    if (!spec.empty() && spec.find_first_not_of("0123456789") == std::string::npos) {
      size_t n = std::stoul(spec);
      return n < g.entries.size() ? g.entries[n] : "(no entry " + spec + ")";
    }
    return spec;
  }

  static BootState trial_b(uint64_t generation, int tries) { return BootState{generation, 'A', 'B', tries}; }

  TempDir work_{"bronze-grub-case"};
  static TempDir* dir_;
};

TempDir* GrubCfgTest::dir_ = nullptr;

TEST_F(GrubCfgTest, FreshImageBootsSlotAWithoutWriting) {
  BootDisk d = disk(slot_a_only());
  std::string tally_before = d.tally_bytes();
  GrubDecision g = boot(d, true);
  EXPECT_EQ(g.booted, "slot-A") << g.output;
  EXPECT_EQ(g.default_entry, "slot-A");
  EXPECT_EQ(g.entries, std::vector<std::string>{"slot-A"}) << g.output;
  EXPECT_EQ(entry_named(g, g.fallback_entry), "slot-A");
  EXPECT_EQ(g.output.find("no valid boot state"), std::string::npos) << g.output;
  EXPECT_EQ(d.tally_bytes(), tally_before);
}

TEST_F(GrubCfgTest, TrialSpendsItsTriesThenTheCommittedSlotBoots) {
  BootDisk d = disk(with_b());
  d.write_state(2, trial_b(kUpgrade, 2));

  GrubDecision first = boot(d, true);
  EXPECT_EQ(first.booted, "slot-B") << first.output;
  EXPECT_EQ(first.default_entry, "slot-B");
  EXPECT_EQ(first.entries, (std::vector<std::string>{"slot-A", "slot-B"})) << first.output;
  EXPECT_EQ(entry_named(first, first.fallback_entry), "slot-A");
  ASSERT_TRUE(d.tally());
  EXPECT_EQ(d.tally()->generation, kUpgrade);
  EXPECT_EQ(d.tally()->left, 1);

  GrubDecision second = boot(d);
  EXPECT_EQ(second.booted, "slot-B") << second.output;
  ASSERT_TRUE(d.tally());
  EXPECT_EQ(d.tally()->generation, kUpgrade);
  EXPECT_EQ(d.tally()->left, 0);

  std::string spent = d.tally_bytes();
  GrubDecision third = boot(d);
  EXPECT_EQ(third.booted, "slot-A") << third.output;
  EXPECT_EQ(third.default_entry, "slot-A");
  EXPECT_NE(third.output.find("slot B has no tries left"), std::string::npos) << third.output;
  EXPECT_EQ(d.tally_bytes(), spent) << "GRUB wrote the tally with no tries left";
}

TEST_F(GrubCfgTest, TallyOfAnOlderGenerationGrantsTheNewStatesTries) {
  BootDisk d = disk(with_b());
  d.write_tally(Tally{kInstalled, 0});
  d.write_state(2, trial_b(kUpgrade, 3));
  GrubDecision g = boot(d);
  EXPECT_EQ(g.booted, "slot-B") << g.output;
  ASSERT_TRUE(d.tally());
  EXPECT_EQ(d.tally()->generation, kUpgrade);
  EXPECT_EQ(d.tally()->left, 2);
}

TEST_F(GrubCfgTest, TrialSlotWithoutSlotEnvBootsTheCommittedSlot) {
  BootDisk d = disk(slot_a_only());  // BOOT-B is empty: no slot.env, no entry
  d.write_state(2, trial_b(kUpgrade, 2));
  GrubDecision g = boot(d, true);
  EXPECT_EQ(g.entries, std::vector<std::string>{"slot-A"}) << g.output;
  // The cfg asks for slot-B; GRUB finds no such entry and boots the first.
  EXPECT_EQ(g.default_entry, "slot-B");
  EXPECT_EQ(g.booted, "slot-A") << g.output;
  // The try is spent all the same: the cfg writes the tally before it knows
  // whether the slot has an entry.
  ASSERT_TRUE(d.tally());
  EXPECT_EQ(d.tally()->left, 1);
}

// A trial kernel that cannot be loaded must not strand the machine: GRUB's
// fallback is the committed slot, in the same boot.
TEST_F(GrubCfgTest, TrialSlotWhoseKernelIsMissingFallsBackToTheCommittedSlot) {
  BootDisk d = disk(with_b_no_kernel());
  d.write_state(2, trial_b(kUpgrade, 2));
  GrubDecision g = boot(d);
  EXPECT_EQ(g.tried, (std::vector<std::string>{"slot-B", "slot-A"})) << g.output;
  EXPECT_EQ(g.booted, "slot-A") << g.output;
}

// The positions where a write of `next` over `previous` can tear into a block
// that is neither: after the first differing byte up to the last one, and
// the line starts in between.
std::vector<size_t> tear_points(const std::string& previous, const std::string& next) {
  size_t first = 0, last = 0;
  for (size_t i = 0; i < next.size(); ++i) {
    if (previous[i] == next[i]) continue;
    if (last == 0) first = i;
    last = i;
  }
  std::vector<size_t> points = {first + 1, last};
  for (size_t i = first + 1; i < last; ++i) {
    if (next[i] == '\n') points.push_back(i + 1);
  }
  return points;
}

std::string torn(const std::string& previous, const std::string& next, size_t at) {
  return next.substr(0, at) + previous.substr(at);
}

TEST_F(GrubCfgTest, TornNewerCopyLeavesTheOlderCopyInCharge) {
  BootDisk d = disk(with_b());
  // The copy in use commits slot B; the torn write would have committed A.
  d.write_state(1, BootState{kInstalled, 'B', 'N', 0});
  std::string previous = encode_state(BootState{kFirstGeneration, 'A', 'N', 0});
  std::string next = encode_state(BootState{kUpgrade, 'A', 'N', 0});
  std::string tally_before = d.tally_bytes();
  for (size_t at : tear_points(previous, next)) {
    std::string block = torn(previous, next, at);
    ASSERT_FALSE(disk::decode_state(block)) << "not torn at " << at;
    d.write_state_bytes(2, block);
    GrubDecision g = boot(d);
    EXPECT_EQ(g.booted, "slot-B") << "torn at byte " << at << "\n" << g.output;
    EXPECT_EQ(d.tally_bytes(), tally_before);
  }
}

TEST_F(GrubCfgTest, TornTrialWriteNeverStartsTheTrial) {
  BootDisk d = disk(with_b());
  std::string previous = encode_state(BootState{kFirstGeneration, 'A', 'N', 0});
  std::string next = encode_state(trial_b(kUpgrade, 2));
  std::string tally_before = d.tally_bytes();
  for (size_t at : tear_points(previous, next)) {
    d.write_state_bytes(2, torn(previous, next, at));
    GrubDecision g = boot(d);
    EXPECT_EQ(g.booted, "slot-A") << "torn at byte " << at << "\n" << g.output;
    EXPECT_EQ(d.tally_bytes(), tally_before) << "torn at byte " << at;
  }
}

TEST_F(GrubCfgTest, BothCopiesInvalidBootSlotA) {
  BootDisk d = disk(with_b());
  std::string previous = encode_state(BootState{kInstalled, 'B', 'N', 0});
  std::string next = encode_state(BootState{kUpgrade + 1, 'B', 'A', 3});
  size_t at = tear_points(previous, next).back();
  d.write_state_bytes(1, torn(previous, next, at));
  d.write_state_bytes(2, std::string(disk::kEnvBlockSize, '\0'));
  GrubDecision g = boot(d, false, kInvalidBlock);
  EXPECT_EQ(g.booted, "slot-A") << g.output;
  EXPECT_NE(g.output.find("Bronze: no valid boot state; booting slot A"), std::string::npos) << g.output;
}

TEST_F(GrubCfgTest, TornTallyBootsTheCommittedSlotNeverTheTrial) {
  BootDisk d = disk(with_b());
  d.write_state(2, trial_b(kUpgrade, 3));
  // GRUB's own write torn (2 left becoming 1), the first write for a new
  // state torn (an older generation's tally becoming this one's), and a
  // block that is no environment block at all.
  std::vector<std::pair<std::string, std::string>> writes = {
      {encode_tally(Tally{kUpgrade, 2}), encode_tally(Tally{kUpgrade, 1})},
      {encode_tally(Tally{kInstalled, 0}), encode_tally(Tally{kUpgrade, 2})},
  };
  std::vector<std::string> blocks = {std::string(disk::kEnvBlockSize, '\0')};
  for (const auto& [previous, next] : writes) {
    for (size_t at : tear_points(previous, next)) {
      std::string block = torn(previous, next, at);
      if (!disk::decode_tally(block)) blocks.push_back(block);
    }
  }
  ASSERT_GT(blocks.size(), 4u);
  for (const auto& block : blocks) {
    d.write_esp(disk::kTallyFile, block);
    GrubDecision g = boot(d, false, kInvalidBlock);
    EXPECT_EQ(g.booted, "slot-A") << g.output;
    EXPECT_EQ(d.tally_bytes(), block) << "GRUB rewrote a torn tally";
  }
}

// GRUB takes the valid copy with the higher generation, whichever file holds
// it. The pairs cross 2^31 and 2^32, where a comparison of 32-bit integers
// goes wrong; every ten-digit generation is valid (boot_state.h).
TEST_F(GrubCfgTest, TheHigherGenerationWinsWhicheverCopyHoldsIt) {
  BootDisk d = disk(with_b());
  std::vector<std::pair<uint64_t, uint64_t>> pairs = {{1000000001, 1000000002},
                                                      {2147483647, 2147483648},
                                                      {2000000000, 3000000000},
                                                      {4294967295, 4294967296},
                                                      {9999999998, 9999999999}};
  for (const auto& [older, newer] : pairs) {
    for (int newer_copy : {1, 2}) {
      d.write_state(newer_copy, BootState{newer, 'B', 'N', 0});
      d.write_state(3 - newer_copy, BootState{older, 'A', 'N', 0});
      GrubDecision g = boot(d);
      EXPECT_EQ(g.booted, "slot-B") << "generation " << newer << " in copy " << newer_copy << " against " << older
                                    << "\n" << g.output;
    }
  }
}

}  // namespace
}  // namespace bronze::test
