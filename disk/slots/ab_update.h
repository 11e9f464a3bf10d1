// The A/B operations on an installed disk (docs/DESIGN.md, upgrade sequence, and decision 3):
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
#include "disk/slots/slot_image.h"
#include "signing/image_signature.h"
#include "signing/trust_store.h"

namespace bronze::disk {

struct UpgradeRequest {
  std::filesystem::path disk;
  // The slot image's bytes as they arrive, with the size and digest the
  // verified image manifest gives for them (slot_image.h).
  SlotPayload payload;
  signing::ImageClaims claims;       // what the image's signature says
  std::filesystem::path trust;       // trust store: a public key, or a folder of them
  int tries = 1;
  // False: write and verify the slot and record it in META, but leave the
  // boot state alone; arm_trial() puts it on trial later (machined does,
  // once its cluster steps are done).
  bool arm = true;
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

// Throws before writing anything when the image's signed claims are for
// another arch or below the node's floor, the slot image does not fit, or
// the disk is not Bronze's. Then the slot image is written in one pass as it
// arrives (write_slot_stream); its size and digest must be the signed ones,
// and the slot, read from the disk, must verify (its own signed manifest and
// artifacts) and tell what the image's signature tells, before META and the
// boot state name it. Any failure leaves META and the boot state untouched
// and the target slot's head zeroed.
UpgradeResult upgrade(const UpgradeRequest& request, Progress& progress);

// Puts `slot`, written by upgrade() without arming, on trial with `tries`
// boot attempts: META records the pending upgrade, then the boot state names
// the trial. Refuses unless META says the slot holds `version`, not
// committed, and the running slot is not itself on trial.
void arm_trial(const std::filesystem::path& disk, char slot, const std::string& version, int tries,
               std::optional<char> running_slot);

enum class BootOutcome { Committed, AlreadyCommitted, TrialFailed };

struct SettleResult {
  BootOutcome outcome = BootOutcome::AlreadyCommitted;
  std::string version;         // of the booted slot
  std::string failed_version;  // with TrialFailed
};

// What machined runs once the health checks of the booted slot pass. A
// commit raises the security floor to the committed slot's version.
SettleResult settle_boot(const std::filesystem::path& disk, char booted_slot);

struct RollbackResult {
  char slot = 'A';
  std::string version;
  std::string from_version;
};

// Refuses, naming the reason, when the other slot holds no committed version,
// (with a trust store) does not verify, or has a security version below the
// node's floor.
RollbackResult rollback(const std::filesystem::path& disk, const std::optional<signing::TrustStore>& trust);

// The refusal of an image below the floor, with both numbers; empty when
// `security_version` may be installed.
std::string below_floor(const std::string& version, uint64_t security_version, uint64_t floor);

}  // namespace bronze::disk
