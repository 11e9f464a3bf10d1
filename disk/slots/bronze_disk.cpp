#include "disk/slots/bronze_disk.h"

#include "base/error.h"
#include "base/files.h"
#include "disk/partitions/layout.h"

namespace bronze::disk {

BronzeDisk BronzeDisk::open(const std::filesystem::path& disk) {
  BronzeDisk d;
  d.path_ = disk;
  for (auto& p : read_gpt(disk)) d.partitions_[p.label] = p;
  for (const char* name : {label::kEfi, label::kBootA, label::kBootB, label::kMeta}) {
    if (!d.partitions_.count(name)) {
      throw Error(disk.string() + " has no partition labelled " + name + ": it does not carry Bronze's layout");
    }
  }
  const auto& meta = d.partitions_.at(label::kMeta);
  MetaStore store = read_meta(disk, meta);
  if (store.sequence == 0) throw Error(disk.string() + ": META holds no valid copy; the disk was not installed by Bronze");
  d.node_ = NodeState::from_meta(store);
  if (d.node_.state1_offsets.size() * 512 != kEnvBlockSize || d.node_.state2_offsets.size() * 512 != kEnvBlockSize) {
    throw Error(disk.string() + ": META does not locate the boot state; reinstall the disk");
  }
  auto first = decode_state(d.read_sectors(d.node_.state1_offsets));
  auto second = decode_state(d.read_sectors(d.node_.state2_offsets));
  auto chosen = choose_state(first, second, &d.state_copy_);
  if (!chosen) throw Error(disk.string() + ": neither copy of the boot state is valid");
  d.state_ = *chosen;
  if (d.node_.tally_offsets.size() * 512 == kEnvBlockSize) d.tally_ = decode_tally(d.read_sectors(d.node_.tally_offsets));
  return d;
}

const FoundPartition& BronzeDisk::partition(const std::string& name) const {
  auto it = partitions_.find(name);
  if (it == partitions_.end()) throw Error(path_.string() + " has no partition labelled " + name);
  return it->second;
}

std::string BronzeDisk::read_sectors(const std::vector<uint64_t>& offsets) const {
  std::string out;
  for (auto offset : offsets) out += read_at(path_, offset, 512);
  return out;
}

int BronzeDisk::tries_left() const {
  if (state_.trial_slot == 'N') return 0;
  // GRUB's rule (grub_cfg.cpp): an unreadable tally leaves no tries; a tally
  // for an older generation means none spent yet.
  if (!tally_) return 0;
  if (tally_->generation != state_.generation) return state_.tries;
  return tally_->left;
}

char BronzeDisk::next_boot() const {
  if (state_.trial_slot != 'N' && tries_left() > 0) return state_.trial_slot;
  return state_.default_slot;
}

void BronzeDisk::write_node(DiskWriter& writer, const NodeState& node) {
  const auto& meta = partitions_.at(label::kMeta);
  write_meta(writer, meta, node.to_meta());
  node_ = node;
}

void BronzeDisk::write_boot_state(DiskWriter& writer, BootState next) {
  next.generation = state_.generation + 1;
  std::string block = encode_state(next);
  const auto& target = state_copy_ == 1 ? node_.state2_offsets : node_.state1_offsets;
  // Sector by sector: a cut between them leaves a block whose two
  // generations differ, which GRUB and decode_state reject.
  for (size_t i = 0; i < target.size(); ++i) writer.write(target[i], std::string_view(block).substr(i * 512, 512));
  state_ = next;
  state_copy_ = state_copy_ == 1 ? 2 : 1;
}

}  // namespace bronze::disk
