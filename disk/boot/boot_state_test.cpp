#include "disk/boot/boot_state.h"

#include <gtest/gtest.h>

namespace bronze::disk {

TEST(BootState, RoundTrip) {
  BootState s{kFirstGeneration + 7, 'B', 'A', 3};
  auto block = encode_state(s);
  EXPECT_EQ(block.size(), kEnvBlockSize);
  EXPECT_EQ(block.rfind("# GRUB Environment Block\n", 0), 0u);
  auto back = decode_state(block);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->generation, s.generation);
  EXPECT_EQ(back->default_slot, 'B');
  EXPECT_EQ(back->trial_slot, 'A');
  EXPECT_EQ(back->tries, 3);
}

TEST(BootState, EveryWriteHasTheSameLayout) {
  // Fixed widths: two states differ only in their values' bytes.
  auto a = encode_state({kFirstGeneration, 'A', 'N', 0});
  auto b = encode_state({kFirstGeneration + 123456, 'B', 'B', 9});
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(a.find("bronze_end="), b.find("bronze_end="));
}

TEST(BootState, AWriteTornAtAnyByteIsOldNewOrInvalid) {
  BootState old_state{kFirstGeneration + 19, 'A', 'N', 0};
  BootState new_state{kFirstGeneration + 20, 'A', 'B', 1};
  auto before = encode_state(old_state);
  auto after = encode_state(new_state);
  for (size_t cut = 0; cut <= kEnvBlockSize; ++cut) {
    std::string torn = after.substr(0, cut) + before.substr(cut);
    auto decoded = decode_state(torn);
    if (!decoded) continue;
    bool is_old = decoded->generation == old_state.generation && decoded->trial_slot == 'N';
    bool is_new = decoded->generation == new_state.generation && decoded->trial_slot == 'B' && decoded->tries == 1;
    EXPECT_TRUE(is_old || is_new) << "cut at byte " << cut;
  }
}

TEST(BootState, RejectsCorruptBlocks) {
  auto good = encode_state({kFirstGeneration, 'A', 'N', 0});
  EXPECT_FALSE(decode_state(good.substr(0, 512)));
  std::string bad_sig = good;
  bad_sig[0] = 'X';
  EXPECT_FALSE(decode_state(bad_sig));
  std::string bad_slot = good;
  bad_slot[bad_slot.find("bronze_default=") + 15] = 'C';
  EXPECT_FALSE(decode_state(bad_slot));
  EXPECT_FALSE(decode_state(std::string(kEnvBlockSize, '\0')));
}

TEST(BootState, ChoosesTheValidCopyWithTheHigherGeneration) {
  BootState older{kFirstGeneration, 'A', 'N', 0};
  BootState newer{kFirstGeneration + 1, 'B', 'N', 0};
  int which = 0;
  EXPECT_EQ(choose_state(older, newer, &which)->default_slot, 'B');
  EXPECT_EQ(which, 2);
  EXPECT_EQ(choose_state(newer, older, &which)->default_slot, 'B');
  EXPECT_EQ(which, 1);
  EXPECT_EQ(choose_state(std::nullopt, older, &which)->default_slot, 'A');
  EXPECT_EQ(which, 2);
  EXPECT_FALSE(choose_state(std::nullopt, std::nullopt, &which));
  EXPECT_EQ(which, 0);
}

TEST(BootState, TallyRoundTripAndTornWrites) {
  Tally before{kFirstGeneration + 5, 3};
  Tally after{kFirstGeneration + 6, 2};
  auto a = encode_tally(before);
  auto b = encode_tally(after);
  ASSERT_TRUE(decode_tally(a));
  EXPECT_EQ(decode_tally(a)->left, 3);
  for (size_t cut = 0; cut <= kEnvBlockSize; ++cut) {
    auto decoded = decode_tally(b.substr(0, cut) + a.substr(cut));
    if (!decoded) continue;
    bool is_old = decoded->generation == before.generation && decoded->left == 3;
    bool is_new = decoded->generation == after.generation && decoded->left == 2;
    EXPECT_TRUE(is_old || is_new) << "cut at byte " << cut;
  }
}

TEST(BootState, SlotEnvCarriesVersionAndCmdline) {
  auto block = encode_slot_env("v1.0.0", "console=ttyS0 panic=10");
  auto vars = decode_env_block(block);
  ASSERT_TRUE(vars);
  ASSERT_EQ(vars->size(), 2u);
  EXPECT_EQ((*vars)[0].second, "v1.0.0");
  EXPECT_EQ((*vars)[1].second, "console=ttyS0 panic=10");
}

}  // namespace bronze::disk
