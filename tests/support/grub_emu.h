// Runs the real grub.cfg of a Bronze disk image on the host with grub-emu
// (Debian package grub-emu), GRUB's own script engine and menu code, and
// reports what GRUB decided. GRUB writes to the image as it would on a real
// boot (save_env lands in tally.env).
//
// How: a wrapper config in a scratch --directory sets root to the ESP, as
// core.img and BOOTX64.EFI do, and sources (hd0,gpt1)/boot/grub/grub.cfg.
// grub-emu has no linux, initrd or serial command, so the wrapper defines
// functions of those names: `linux` and `initrd` check that their files
// exist and report the entry being booted instead of loading a kernel. The
// menu then runs with GRUB's own default and fallback logic. Once an entry
// has booted, the wrapper walks the remaining menu by number to list the
// entries, and a last entry of its own halts the emulator.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace bronze::test {

struct GrubDecision {
  std::string default_entry;   // $default as grub.cfg left it
  std::string fallback_entry;  // $fallback as grub.cfg left it
  // The entry GRUB's menu booted (its id, GRUB's $chosen): its kernel and
  // initrd exist. Empty when no entry booted, e.g. the default failed and
  // the fallback named no entry GRUB could find.
  std::string booted;
  std::vector<std::string> tried;    // entries GRUB tried, in order
  std::vector<std::string> entries;  // the menu's entries in order; listed only when one booted
  std::vector<std::string> errors;   // every "error: ..." line GRUB printed
  std::string output;                // all GRUB printed, terminal escapes removed
};

struct GrubEmuOptions {
  // Each fallback GRUB takes costs it 2.5 s, and listing the entries takes
  // one per entry, so a run takes seconds.
  std::chrono::seconds timeout{90};
  // Listing the entries costs 2.5 s per entry; without it the run stops at
  // the boot and `entries` stays empty.
  bool list_entries = true;
};

// Throws bronze::Error when grub-emu is not installed, or when it does not
// reach a decision within the timeout (the message carries its output).
GrubDecision evaluate_grub_cfg(const std::filesystem::path& disk, const GrubEmuOptions& options = {});

// Runs `script` in grub-emu with `disk` as (hd0) and root=hd0,gpt1, then
// halts; returns what GRUB printed, terminal escapes removed. Throws like
// evaluate_grub_cfg when it does not finish.
std::string run_grub_script(const std::filesystem::path& disk, const std::string& script,
                            const GrubEmuOptions& options = {});

// The errors the emulator prints only because it lacks the serial terminal
// the cfg asks for; a real GRUB has it.
bool is_emulator_only_error(const std::string& error_line);
std::vector<std::string> unexpected_errors(const GrubDecision& decision);

}  // namespace bronze::test
