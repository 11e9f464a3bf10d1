#include "disk/slots/ab_update.h"

#include <algorithm>

#include "base/error.h"
#include "disk/slots/bronze_disk.h"
#include "disk/slots/slot_image.h"
#include "disk/slots/slot_verify.h"

namespace bronze::disk {

std::string below_floor(const std::string& version, uint64_t security_version, uint64_t floor) {
  if (security_version >= floor) return "";
  return version + " has security version " + std::to_string(security_version) + ", below this node's floor of " +
         std::to_string(floor) + " (the highest it committed): an older image with known flaws may not come back; "
         "install one with security version " + std::to_string(floor) + " or higher";
}

UpgradeResult upgrade(const UpgradeRequest& r, Progress& progress) {
  if (r.tries < 1 || r.tries > 9) throw Error("--tries must be 1 to 9");
  auto trust = signing::TrustStore::load(r.trust);
  // Before the first write: what the image's signature claims.
  if (r.claims.arch != r.node_arch) {
    throw Error("the installer image is for " + r.claims.arch + "; this machine is " + r.node_arch);
  }
  progress.stage("check disk");
  BronzeDisk disk = BronzeDisk::open(r.disk);
  const BootState state = disk.boot_state();
  if (auto refusal = below_floor(r.claims.version, r.claims.security_version, disk.node().security_floor);
      !refusal.empty()) {
    throw Error(refusal);
  }
  char running = r.running_slot.value_or(state.default_slot);
  if (state.trial_slot != 'N' && state.trial_slot == running) {
    throw Error(std::string("slot ") + running + " is on trial and not yet committed; let it commit or roll back first");
  }
  char target = other_slot(running);
  const FoundPartition& partition = disk.slot_partition(target);
  if (r.payload.size > partition.size) {
    throw Error("the slot image (" + std::to_string(r.payload.size) + " B) does not fit " + partition.label + " (" +
                std::to_string(partition.size) + " B): the disk is too small for this version");
  }

  UpgradeResult result;
  result.slot = target;
  result.version = r.claims.version;
  result.from_version = disk.node().slot(running).version;
  result.tries = r.tries;
  DiskWriter writer(r.disk);
  uint64_t bytes_before = DiskWriter::bytes_done();

  // 1. The slot, in one pass as the bytes arrive; its head last, once they
  // matched the signed digest. Until then META and the boot state still say
  // what they said: the target slot is not named anywhere that boots.
  progress.stage("write slot " + std::string(1, target));
  write_slot_stream(writer, partition, r.payload);
  // 2. What the disk now holds is verified, read from the disk: the slot that
  // will boot is the slot that was checked, and it tells what the image's
  // signature told (the slot and the image are signed apart).
  progress.stage("verify slot " + std::string(1, target));
  signing::Manifest manifest = [&] {
    try {
      return verify_slot(r.disk, partition.start, trust);
    } catch (const Error& e) {
      writer.zero(partition.start, kSlotHeadBytes);
      throw Error("slot " + std::string(1, target) + " does not verify after it was written: " + e.what());
    }
  }();
  if (manifest.version != r.claims.version || manifest.security_version != r.claims.security_version ||
      manifest.arch != r.claims.arch) {
    writer.zero(partition.start, kSlotHeadBytes);
    throw Error("the slot image says " + manifest.version + " (" + manifest.arch + ", security version " +
                std::to_string(manifest.security_version) + ") but the image's signature says " + r.claims.version +
                " (" + r.claims.arch + ", security version " + std::to_string(r.claims.security_version) + ")");
  }
  // 3. What the slot now holds, then the trial: the last write decides.
  progress.stage(r.arm ? "set trial" : "record slot");
  NodeState node = disk.node();
  node.slot(target) = {};
  node.slot(target).version = manifest.version;
  node.slot(target).security_version = manifest.security_version;
  if (r.arm) {
    node.pending_version = manifest.version;
    node.pending_from = result.from_version;
  }
  disk.write_node(writer, node);
  if (r.arm) disk.write_boot_state(writer, BootState{0, running, target, r.tries});
  progress.done();
  result.bytes_written = DiskWriter::bytes_done() - bytes_before;
  return result;
}

void arm_trial(const std::filesystem::path& path, char slot, const std::string& version, int tries,
               std::optional<char> running_slot) {
  if (tries < 1 || tries > 9) throw Error("tries must be 1 to 9");
  BronzeDisk disk = BronzeDisk::open(path);
  const BootState state = disk.boot_state();
  char running = running_slot.value_or(state.default_slot);
  if (slot != other_slot(running)) {
    throw Error(std::string("slot ") + slot + " is the running slot; only the other one can go on trial");
  }
  if (state.trial_slot != 'N' && state.trial_slot == running) {
    throw Error(std::string("slot ") + running + " is on trial and not yet committed; let it commit or roll back first");
  }
  NodeState node = disk.node();
  const SlotRecord& record = node.slot(slot);
  if (record.version != version || record.committed) {
    throw Error(std::string("slot ") + slot + " does not hold the uncommitted " + version + " that was written (META says " +
                (record.version.empty() ? "nothing" : record.version) + "); write it again");
  }
  DiskWriter writer(path);
  node.pending_version = version;
  node.pending_from = node.slot(running).version;
  disk.write_node(writer, node);
  disk.write_boot_state(writer, BootState{0, running, slot, tries});
}

SettleResult settle_boot(const std::filesystem::path& path, char booted) {
  BronzeDisk disk = BronzeDisk::open(path);
  const BootState state = disk.boot_state();
  NodeState node = disk.node();
  DiskWriter writer(path);
  SettleResult result;
  result.version = node.slot(booted).version;

  if (state.trial_slot == booted) {
    // The commit point is the boot state; META follows, and with it the
    // floor rises: only a committed version may raise it.
    disk.write_boot_state(writer, BootState{0, booted, 'N', 0});
    node.slot(booted).committed = true;
    node.security_floor = std::max(node.security_floor, node.slot(booted).security_version);
    node.pending_version.clear();
    node.pending_from.clear();
    disk.write_node(writer, node);
    result.outcome = BootOutcome::Committed;
    return result;
  }
  if (state.trial_slot != 'N') {
    // We run on the committed slot while the other is on trial: GRUB had no
    // try left for it, so it failed to boot. Record that first, then end the
    // trial; a cut in between only repeats this on the next boot.
    node.last_failed_version = node.pending_version.empty() ? node.slot(state.trial_slot).version : node.pending_version;
    node.last_failed_from = node.slot(booted).version;
    node.pending_version.clear();
    node.pending_from.clear();
    disk.write_node(writer, node);
    disk.write_boot_state(writer, BootState{0, state.default_slot, 'N', 0});
    result.outcome = BootOutcome::TrialFailed;
    result.failed_version = node.last_failed_version;
    return result;
  }
  // No trial: finish a commit a power cut interrupted between its two writes.
  if (state.default_slot == booted && (!node.slot(booted).committed || !node.pending_version.empty() ||
                                       node.security_floor < node.slot(booted).security_version)) {
    node.slot(booted).committed = true;
    node.security_floor = std::max(node.security_floor, node.slot(booted).security_version);
    node.pending_version.clear();
    node.pending_from.clear();
    disk.write_node(writer, node);
  }
  result.outcome = BootOutcome::AlreadyCommitted;
  return result;
}

RollbackResult rollback(const std::filesystem::path& path, const std::optional<signing::TrustStore>& trust) {
  BronzeDisk disk = BronzeDisk::open(path);
  const BootState state = disk.boot_state();
  char target = other_slot(state.default_slot);
  const SlotRecord& record = disk.node().slot(target);
  if (record.version.empty() || !record.committed) {
    throw Error(std::string("cannot roll back: slot ") + target + " holds no committed version" +
                (record.version.empty() ? "" : " (" + record.version + " never passed its health checks)"));
  }
  uint64_t security_version = record.security_version;
  if (trust) {
    try {
      security_version = verify_slot(path, disk.slot_partition(target).start, *trust).security_version;
    } catch (const Error& e) {
      throw Error(std::string("cannot roll back: slot ") + target + " does not verify: " + e.what());
    }
  }
  if (auto refusal = below_floor(record.version, security_version, disk.node().security_floor); !refusal.empty()) {
    throw Error(std::string("cannot roll back to slot ") + target + ": " + refusal);
  }
  DiskWriter writer(path);
  disk.write_boot_state(writer, BootState{0, target, 'N', 0});
  return RollbackResult{target, record.version, disk.node().slot(state.default_slot).version};
}

}  // namespace bronze::disk
