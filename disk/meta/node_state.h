// What META records about a node's slots and upgrades, as typed fields over
// its key/value store. The boot state on the ESP says what boots; this says
// what each slot holds and what happened to the last upgrade.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "disk/meta/meta.h"

namespace bronze::disk {

struct SlotRecord {
  std::string version;     // empty: the slot holds nothing bootable
  bool committed = false;  // booted and passed health checks (or installed)
  uint64_t security_version = 0;  // from the slot's signed manifest
};

struct NodeState {
  SlotRecord a;
  SlotRecord b;
  // Anti-rollback, as Android's rollback index: the highest security version
  // the node committed. It rises only at a commit, never at a trial boot, and
  // an image below it is refused (a rollback to a slot below it too);
  // docs/DESIGN.md decision 10.
  uint64_t security_floor = 0;
  // The upgrade written but not yet committed or failed.
  std::string pending_version;
  std::string pending_from;
  // The last upgrade that failed to boot, and the version that came back.
  std::string last_failed_version;
  std::string last_failed_from;
  // Sector offsets of the boot state files on the ESP (see esp_files.h).
  std::vector<uint64_t> state1_offsets;
  std::vector<uint64_t> state2_offsets;
  std::vector<uint64_t> tally_offsets;

  SlotRecord& slot(char name);
  const SlotRecord& slot(char name) const;

  static NodeState from_meta(const MetaStore& store);
  MetaStore to_meta() const;
};

char other_slot(char slot);

}  // namespace bronze::disk
