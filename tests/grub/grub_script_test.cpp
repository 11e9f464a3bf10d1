// The GRUB script semantics Bronze's grub.cfg relies on, checked in GRUB's
// own engine (grub-emu) against a built image, so that a GRUB that behaves
// otherwise fails here with a plain reason rather than as a wrong boot.

#include <gtest/gtest.h>

#include <sstream>

#include "base/files.h"
#include "disk/boot/boot_state.h"
#include "tests/grub/boot_disk.h"
#include "tests/support/grub_emu.h"
#include "tests/support/image_fixture.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;

class GrubScriptTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("bronze-grub-script-test");
    make_key_pair(dir_->path(), "key");
    build_image(dir_->path() / "out", "v1", dir_->path() / "key.pem");
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static fs::path image() { return dir_->path() / "out" / "metal-amd64.raw"; }

  // Runs `script` and returns what it printed after "=>", the convention of
  // these scripts for their results (GRUB's progress display may stand
  // before it on the line). `errors` is how many GRUB errors it expects.
  static std::vector<std::string> results(const fs::path& disk, const std::string& script, size_t errors = 0) {
    std::string output = run_grub_script(disk, script);
    std::vector<std::string> lines;
    size_t error_count = 0;
    std::istringstream in(output);
    for (std::string line; std::getline(in, line);) {
      if (line.find("error: ") != std::string::npos) ++error_count;
      if (size_t at = line.find("=>"); at != std::string::npos) lines.push_back(line.substr(at + 2));
    }
    EXPECT_EQ(error_count, errors) << output;
    return lines;
  }

  static TempDir* dir_;
};

TempDir* GrubScriptTest::dir_ = nullptr;

using Lines = std::vector<std::string>;

TEST_F(GrubScriptTest, ElifTakesTheFirstTrueBranchOnly) {
  EXPECT_EQ(results(image(), R"(
for v in 1 2 3; do
  if [ "$v" = 1 ]; then echo "=>$v if"
  elif [ "$v" = 2 ]; then echo "=>$v elif"
  else echo "=>$v else"
  fi
done)"),
            (Lines{"1 if", "2 elif", "3 else"}));
}

TEST_F(GrubScriptTest, ReturnLeavesTheFunctionWithItsStatus) {
  EXPECT_EQ(results(image(), R"(
function pick {
  if [ "$1" = yes ]; then
    if true; then
      return 0
    fi
  fi
  echo "=>fell through with $1"
  return 1
}
if pick yes; then echo "=>yes succeeded"; else echo "=>yes failed"; fi
if pick no; then echo "=>no succeeded"; else echo "=>no failed"; fi)"),
            (Lines{"yes succeeded", "fell through with no", "no failed"}));
}

TEST_F(GrubScriptTest, FileTestSeesFilesOnFatAndExt4Only) {
  EXPECT_EQ(results(image(), R"(
for f in (hd0,gpt1)/boot/grub/state-1.env (hd0,gpt3)/slot.env (hd0,gpt4)/slot.env (hd0,gpt1)/boot/grub (hd0,gpt9)/slot.env; do
  if [ -f "$f" ]; then echo "=>file $f"; else echo "=>none $f"; fi
done)"),
            (Lines{"file (hd0,gpt1)/boot/grub/state-1.env", "file (hd0,gpt3)/slot.env",
                   "none (hd0,gpt4)/slot.env", "none (hd0,gpt1)/boot/grub", "none (hd0,gpt9)/slot.env"}));
}

TEST_F(GrubScriptTest, UnsetEmptiesAVariable) {
  EXPECT_EQ(results(image(), R"(
set bronze_x=1
unset bronze_x
if [ -n "$bronze_x" ]; then echo "=>still set"; else echo "=>empty"; fi
echo "=>[$bronze_x]")"),
            (Lines{"empty", "[]"}));
}

// GRUB's -gt parses each side into a 32-bit int (test.c's grub_strtosl), so
// ten-digit numbers compare right only up to 2147483647; the fixed-width
// generations compare right as strings. Pinned, since the cfg's choice of
// copy rests on which of the two it uses.
TEST_F(GrubScriptTest, GreaterThanOnTenDigitNumbers) {
  EXPECT_EQ(results(image(), R"(
function gt {
  if [ "$1" -gt "$2" ]; then echo "=>$1 -gt $2"; else echo "=>$1 -le $2"; fi
}
function str_gt {
  if [ "$1" ">" "$2" ]; then echo "=>$1 > $2"; else echo "=>$1 <= $2"; fi
}
gt 1000000002 1000000001
gt 1000000001 1000000002
gt 2147483647 2147483646
gt 2147483648 2147483647
gt 3000000000 2000000000
str_gt 2147483648 2147483647
str_gt 3000000000 2000000000
str_gt 9999999999 9999999998
str_gt 1000000001 1000000002)"),
            (Lines{"1000000002 -gt 1000000001", "1000000001 -le 1000000002", "2147483647 -gt 2147483646",
                   // Wrong as numbers: the 32-bit truncation.
                   "2147483648 -le 2147483647", "3000000000 -le 2000000000",
                   "2147483648 > 2147483647", "3000000000 > 2000000000", "9999999999 > 9999999998",
                   "1000000001 <= 1000000002"}));
}

TEST_F(GrubScriptTest, LoadEnvRejectsATornBlockAndLoadsOnlyTheNamedVariables) {
  TempDir work("bronze-grub-script-case");
  BootDisk d = copy_disk(image(), work.path() / "disk.raw");
  std::string block = disk::encode_env_block({{"bronze_a", "1"}, {"bronze_b", "2"}});
  d.write_esp("/boot/grub/whole.env", block);
  d.write_esp("/boot/grub/torn.env", std::string(block.begin(), block.begin() + 10) +
                                         std::string(block.size() - 10, '\0'));
  EXPECT_EQ(results(d.path(), R"(
if load_env --file (hd0,gpt1)/boot/grub/whole.env bronze_a; then echo "=>loaded [$bronze_a] [$bronze_b]"; fi
if load_env --file (hd0,gpt1)/boot/grub/torn.env bronze_b; then echo "=>torn loaded"; else echo "=>torn refused"; fi
echo "=>[$bronze_b]")",
                    1),
            (Lines{"loaded [1] []", "torn refused", "[]"}));
}

// The tally is the one file GRUB writes: save_env rewrites the 1024-byte
// block in place on the FAT ESP, in the format boot_state.h decodes.
TEST_F(GrubScriptTest, SaveEnvRewritesTheTallyOnTheFatEsp) {
  TempDir work("bronze-grub-script-case");
  BootDisk d = copy_disk(image(), work.path() / "disk.raw");
  EXPECT_EQ(results(d.path(), R"(
set bronze_tally_gen=1234567890
set bronze_tally_left=7
set bronze_tally_end=1234567890-7
if save_env --file (hd0,gpt1)/boot/grub/tally.env bronze_tally_gen bronze_tally_left bronze_tally_end; then
  echo "=>saved"
fi)"),
            (Lines{"saved"}));
  std::string bytes = d.tally_bytes();
  EXPECT_EQ(bytes.size(), disk::kEnvBlockSize);
  auto tally = disk::decode_tally(bytes);
  ASSERT_TRUE(tally) << bytes;
  EXPECT_EQ(tally->generation, 1234567890u);
  EXPECT_EQ(tally->left, 7);
}

}  // namespace
}  // namespace bronze::test
