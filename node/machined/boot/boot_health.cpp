#include "node/machined/boot/boot_health.h"

#include <unistd.h>

#include <filesystem>

#include "disk/slots/ab_update.h"
#include "disk/slots/bronze_disk.h"
#include "disk/slots/slot_verify.h"
#include "signing/trust_store.h"

namespace bronze::machined {

HealthReport check_and_settle(const std::string& slot, const std::optional<std::filesystem::path>& disk,
                              const Watchdog& watchdog, const std::filesystem::path& trust) {
  HealthReport report;
  if (slot == "live") {
    report.lines.push_back("health: booted live (installation media); no slot to commit, not committing");
    return report;
  }
  if (slot != "A" && slot != "B") {
    report.lines.push_back("health: no bronze.slot on the kernel command line; not committing");
    return report;
  }
  if (!disk) {
    report.lines.push_back("health: no disk with Bronze's layout found; not committing");
    return report;
  }
  report.lines.push_back("health: boot disk " + disk->string());
  try {
    auto opened = disk::BronzeDisk::open(*disk);
    auto manifest =
        disk::verify_slot(*disk, opened.slot_partition(slot[0]).start, signing::TrustStore::load(trust));
    report.lines.push_back("health: slot " + slot + " (" + manifest.version + ") verifies");
  } catch (const std::exception& e) {
    report.lines.push_back(std::string("health: slot ") + slot + " does not verify: " + e.what());
    return report;
  }
  // Only a node (PID 1) owns the machine's watchdog; machined run as a host
  // process for tests does not.
  if (::getpid() == 1 && std::filesystem::exists("/dev/watchdog0") && !watchdog.armed()) {
    report.lines.push_back("health: the watchdog exists but is not armed; not committing");
    return report;
  }
  report.lines.push_back(watchdog.armed() ? "health: watchdog armed (" + std::to_string(watchdog.timeout_seconds()) + " s)"
                                          : "health: no watchdog on this machine");
  try {
    auto result = disk::settle_boot(*disk, slot[0]);
    switch (result.outcome) {
      case disk::BootOutcome::Committed:
        report.lines.push_back("bronze " + result.version + " slot=" + slot + " committed");
        break;
      case disk::BootOutcome::TrialFailed:
        report.lines.push_back("upgrade to " + result.failed_version + " failed; rolled back to " + result.version);
        break;
      case disk::BootOutcome::AlreadyCommitted:
        report.lines.push_back("bronze " + result.version + " slot=" + slot + " already committed");
        break;
    }
    report.healthy = true;
  } catch (const std::exception& e) {
    report.lines.push_back(std::string("health: cannot settle the boot: ") + e.what());
  }
  return report;
}

}  // namespace bronze::machined
