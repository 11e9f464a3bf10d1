#include "disk/slots/status.h"

#include "disk/slots/bronze_disk.h"

namespace bronze::disk {

nlohmann::json disk_status(const std::filesystem::path& path) {
  BronzeDisk disk = BronzeDisk::open(path);
  const BootState& state = disk.boot_state();
  nlohmann::json out;
  for (char slot : {'A', 'B'}) {
    const SlotRecord& record = disk.node().slot(slot);
    bool on_trial = state.trial_slot == slot;
    out["slots"][std::string(1, slot)] = {{"version", record.version},
                                          {"committed", record.committed},
                                          {"trial", on_trial},
                                          {"tries_left", on_trial ? disk.tries_left() : 0},
                                          {"security_version", record.security_version}};
  }
  out["security_floor"] = disk.node().security_floor;
  out["default"] = std::string(1, state.default_slot);
  out["next_boot"] = std::string(1, disk.next_boot());
  out["generation"] = state.generation;
  if (!disk.node().pending_version.empty()) out["pending_upgrade"] = disk.node().pending_version;
  if (!disk.node().last_failed_version.empty()) {
    out["last_failed_upgrade"] = {{"version", disk.node().last_failed_version},
                                  {"rolled_back_to", disk.node().last_failed_from}};
  }
  return out;
}

std::string format_status(const nlohmann::json& s) {
  std::string out;
  for (const char* slot : {"A", "B"}) {
    const auto& r = s["slots"][slot];
    std::string version = r["version"].get<std::string>();
    std::string what = version.empty() ? "empty" : version;
    if (!version.empty()) {
      what += " (security version " + std::to_string(r["security_version"].get<uint64_t>()) + ")";
      if (r["trial"].get<bool>()) {
        what += " on trial, " + std::to_string(r["tries_left"].get<int>()) + " tries left";
      } else {
        what += r["committed"].get<bool>() ? " committed" : " not committed";
      }
    }
    if (s["default"] == slot) what += " (default)";
    out += std::string("slot ") + slot + ": " + what + "\n";
  }
  out += "next boot: slot " + s["next_boot"].get<std::string>() + "\n";
  out += "security floor: " + std::to_string(s["security_floor"].get<uint64_t>()) +
         " (images below it are refused)\n";
  if (s.contains("last_failed_upgrade")) {
    out += "last failed upgrade: " + s["last_failed_upgrade"]["version"].get<std::string>() + " (rolled back to " +
           s["last_failed_upgrade"]["rolled_back_to"].get<std::string>() + ")\n";
  }
  return out;
}

}  // namespace bronze::disk
