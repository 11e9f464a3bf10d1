// The A/B operations on an installed disk (DESIGN.md, upgrade sequence):
// upgrade writes the inactive slot and puts it on trial; settle_boot, run by
// machined after its health checks, commits the slot on trial or records that
// it failed; rollback makes the other committed slot the default. Each one
// orders and flushes its writes so that a power cut at any point leaves a
// disk that boots the old or the new version.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "base/progress.h"
#include "signing/ed25519.h"

namespace bronze::installer {

struct UpgradeRequest {
  std::filesystem::path disk;
  std::filesystem::path slot_image;  // from the installer image
  std::filesystem::path trust_key;
  int tries = 1;
  // The slot this system runs from, on a node; offline, the default slot.
  std::optional<char> running_slot;
  std::string node_arch;  // the arch of the disk's machine
};

struct UpgradeResult {
  char slot = 'B';
  std::string version;
  std::string from_version;
  int tries = 1;
  uint64_t bytes_written = 0;
};

// Throws before writing anything when the image does not verify, is for
// another arch, does not fit, or the disk is not Bronze's.
UpgradeResult upgrade(const UpgradeRequest& request, Progress& progress);

enum class BootOutcome { Committed, AlreadyCommitted, TrialFailed };

struct SettleResult {
  BootOutcome outcome = BootOutcome::AlreadyCommitted;
  std::string version;         // of the booted slot
  std::string failed_version;  // with TrialFailed
};

// What machined runs once the health checks of the booted slot pass.
SettleResult settle_boot(const std::filesystem::path& disk, char booted_slot);

struct RollbackResult {
  char slot = 'A';
  std::string version;
  std::string from_version;
};

// Refuses, naming the reason, when the other slot holds no committed version
// or (with a key) does not verify.
RollbackResult rollback(const std::filesystem::path& disk, const std::optional<signing::PublicKey>& key);

}  // namespace bronze::installer
