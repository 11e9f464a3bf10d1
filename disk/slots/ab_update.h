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
#include "signing/image_signature.h"
#include "signing/trust_store.h"

namespace bronze::disk {

struct UpgradeRequest {
  std::filesystem::path disk;
  std::filesystem::path slot_image;  // from the installer image, whose signature was verified
  signing::ImageClaims claims;       // what that signature says
  std::filesystem::path trust;       // trust store: a public key, or a folder of them
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

// Throws before writing anything when the image does not verify, disagrees
// with its signature's claims, is for another arch, has a security version
// below the node's floor, does not fit, or the disk is not Bronze's. After
// the write, the slot is read back from the disk and verified again before
// it is put on trial.
UpgradeResult upgrade(const UpgradeRequest& request, Progress& progress);

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
