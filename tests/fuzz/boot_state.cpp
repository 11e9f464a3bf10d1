// Fuzzes the boot state parsers: the ESP's environment blocks can be torn by
// a power cut or damaged on disk, and GRUB's choice of slot rests on them.
// Decoding must never crash; what decodes must encode back to a block that
// decodes to the same state.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/error.h"
#include "disk/boot/boot_state.h"
#include "tests/fuzz/require.h"

namespace {

using namespace bronze::disk;

using bronze::fuzz::require;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view block(reinterpret_cast<const char*>(data), size);

  if (auto vars = decode_env_block(block)) {
    try {
      auto again = decode_env_block(encode_env_block(*vars));
      require(again && *again == *vars);
    } catch (const bronze::Error&) {
      // Values the encoder refuses (a newline, too long) are not written.
    }
  }

  if (auto state = decode_state(block)) {
    require(state->default_slot == 'A' || state->default_slot == 'B');
    require(state->trial_slot == 'A' || state->trial_slot == 'B' || state->trial_slot == 'N');
    require(state->tries >= 0 && state->tries <= 9);
    auto again = decode_state(encode_state(*state));
    require(again && again->generation == state->generation && again->default_slot == state->default_slot &&
            again->trial_slot == state->trial_slot && again->tries == state->tries);
  }

  if (auto tally = decode_tally(block)) {
    auto again = decode_tally(encode_tally(*tally));
    require(again && again->generation == tally->generation && again->left == tally->left);
  }
  return 0;
}
