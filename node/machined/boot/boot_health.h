// The health checks that gate a commit, and the commit itself. A slot is
// committed only when all of these hold on the booted system:
//   1. the boot disk is found and its boot state and META are readable;
//   2. the booted slot's content verifies against the running image's trust
//      store (signature, every artifact's digest, slot.env);
//   3. the watchdog is armed and being fed (when the machine has one).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "node/machined/boot/watchdog.h"

namespace bronze::machined {

struct HealthReport {
  bool healthy = false;
  std::vector<std::string> lines;  // one per check, and the outcome
};

// Runs the checks and, when they pass, settles the boot (commit, or record a
// failed trial). `slot` is bronze.slot from the kernel command line; `disk`
// the boot disk, when one was found.
HealthReport check_and_settle(const std::string& slot, const std::optional<std::filesystem::path>& disk,
                              const Watchdog& watchdog, const std::filesystem::path& trust);

}  // namespace bronze::machined
