// The A/B boot state GRUB reads on every boot (docs/DESIGN.md decision 4), kept on
// the ESP as GRUB environment blocks:
//
//   state-1.env, state-2.env  two copies written by the installer and
//                             machined; GRUB takes the valid copy with the
//                             higher generation. A writer always overwrites
//                             the copy that is not in use, and flushes.
//   tally.env                 the tries GRUB has spent on the slot on trial;
//                             the only file GRUB itself writes.
//
// Every value has a fixed width, so each write replaces the same bytes, and
// each block ends with a copy of its generation: a write torn at any byte
// leaves a block whose two generations differ, which GRUB and we reject.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bronze::disk {

constexpr size_t kEnvBlockSize = 1024;
// Generations have ten digits and no leading zero, so GRUB's string
// comparison (its -gt truncates to 32 bits) orders them as we do, and every
// write has the same length.
constexpr uint64_t kFirstGeneration = 1000000000;

constexpr const char* kStateFile1 = "/boot/grub/state-1.env";
constexpr const char* kStateFile2 = "/boot/grub/state-2.env";
constexpr const char* kTallyFile = "/boot/grub/tally.env";

struct BootState {
  uint64_t generation = kFirstGeneration;
  char default_slot = 'A';  // the committed slot: 'A' or 'B'
  char trial_slot = 'N';    // the slot on trial, or 'N' for none
  int tries = 0;            // tries granted to the trial slot, 0 to 9
};

struct Tally {
  uint64_t generation = kFirstGeneration;  // the state generation it counts for
  int left = 0;
};

// A GRUB environment block: the signature line, `key=value` lines, then '#'
// up to kEnvBlockSize bytes.
std::string encode_env_block(const std::vector<std::pair<std::string, std::string>>& vars);
// Parses a block; nullopt when the signature or the size is wrong.
std::optional<std::vector<std::pair<std::string, std::string>>> decode_env_block(std::string_view block);

std::string encode_state(const BootState& state);
// nullopt for a block that is torn, corrupt or out of range.
std::optional<BootState> decode_state(std::string_view block);

std::string encode_tally(const Tally& tally);
std::optional<Tally> decode_tally(std::string_view block);

// The state GRUB acts on, given both copies (either may be invalid):
// the valid one with the higher generation; 1 or 2 in `which`.
std::optional<BootState> choose_state(const std::optional<BootState>& first, const std::optional<BootState>& second,
                                      int* which = nullptr);

// The slot's own small environment block: its version and kernel command
// line, read by the static grub.cfg for the menu entry.
std::string encode_slot_env(const std::string& version, const std::string& cmdline);

}  // namespace bronze::disk
