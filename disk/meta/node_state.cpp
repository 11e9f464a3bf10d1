#include "disk/meta/node_state.h"

#include "base/error.h"
#include "disk/filesystems/esp_files.h"

namespace bronze::disk {

namespace {

std::string get(const MetaStore& s, const std::string& key) {
  auto it = s.values.find(key);
  return it == s.values.end() ? "" : it->second;
}

void put(MetaStore& s, const std::string& key, const std::string& value) {
  if (!value.empty()) s.values[key] = value;
}

// Absent (a disk from before security versions) or malformed reads as 0:
// META's checksum already refuses a damaged copy.
uint64_t get_number(const MetaStore& s, const std::string& key) {
  std::string text = get(s, key);
  if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::stoull(text);
}

}  // namespace

char other_slot(char slot) {
  if (slot == 'A') return 'B';
  if (slot == 'B') return 'A';
  throw Error(std::string("no slot named '") + slot + "' (A or B)");
}

SlotRecord& NodeState::slot(char name) {
  if (name == 'A') return a;
  if (name == 'B') return b;
  throw Error(std::string("no slot named '") + name + "'");
}

const SlotRecord& NodeState::slot(char name) const { return const_cast<NodeState*>(this)->slot(name); }

NodeState NodeState::from_meta(const MetaStore& s) {
  NodeState n;
  n.a = {get(s, "slot.A.version"), get(s, "slot.A.committed") == "1", get_number(s, "slot.A.security_version")};
  n.b = {get(s, "slot.B.version"), get(s, "slot.B.committed") == "1", get_number(s, "slot.B.security_version")};
  n.security_floor = get_number(s, "security.floor");
  n.pending_version = get(s, "upgrade.pending");
  n.pending_from = get(s, "upgrade.pending_from");
  n.last_failed_version = get(s, "upgrade.last_failed");
  n.last_failed_from = get(s, "upgrade.last_failed_from");
  if (!get(s, "bootstate.1").empty()) n.state1_offsets = decode_offsets(get(s, "bootstate.1"));
  if (!get(s, "bootstate.2").empty()) n.state2_offsets = decode_offsets(get(s, "bootstate.2"));
  if (!get(s, "bootstate.tally").empty()) n.tally_offsets = decode_offsets(get(s, "bootstate.tally"));
  return n;
}

MetaStore NodeState::to_meta() const {
  MetaStore s;
  put(s, "slot.A.version", a.version);
  put(s, "slot.A.committed", a.committed ? "1" : "0");
  put(s, "slot.B.version", b.version);
  put(s, "slot.B.committed", b.committed ? "1" : "0");
  put(s, "slot.A.security_version", std::to_string(a.security_version));
  put(s, "slot.B.security_version", std::to_string(b.security_version));
  put(s, "security.floor", std::to_string(security_floor));
  put(s, "upgrade.pending", pending_version);
  put(s, "upgrade.pending_from", pending_from);
  put(s, "upgrade.last_failed", last_failed_version);
  put(s, "upgrade.last_failed_from", last_failed_from);
  put(s, "bootstate.1", encode_offsets(state1_offsets));
  put(s, "bootstate.2", encode_offsets(state2_offsets));
  put(s, "bootstate.tally", encode_offsets(tally_offsets));
  return s;
}

}  // namespace bronze::disk
