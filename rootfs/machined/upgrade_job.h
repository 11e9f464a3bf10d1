// One upgrade on a running node (DESIGN.md, upgrade sequence): the installer
// image is received from the client or pulled from a registry, unpacked with
// every blob's digest checked, and the new version's installer writes the
// inactive slot after verifying its signature against the running image's
// trust store. Nothing reaches the disk before that verification.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "installer/installer_image.h"
#include "rootfs/machined/node_context.h"

namespace bronze::machined {

struct UpgradeStep {
  std::string step;     // receive, pull, unpack, install, done
  std::string message;
  uint64_t done = 0;
  uint64_t total = 0;
};

struct UpgradeOutcome {
  std::string version;
  std::string from_version;
  std::string slot;
};

// Lets one upgrade (or rollback) run at a time on a node.
class UpgradeGate {
 public:
  // False when another one holds the gate; `holder` then says what runs.
  bool try_enter(const std::string& what, std::string& holder);
  void leave();
  bool busy() const { return busy_.load(); }

 private:
  std::atomic<bool> busy_{false};
  std::string what_;
};

class UpgradeJob {
 public:
  using Report = std::function<void(const UpgradeStep&)>;
  UpgradeJob(const NodeContext& node, Report report);

  // Where the streamed or pulled image is kept until the job ends.
  std::filesystem::path image_path() const { return dir_ / "installer.tar"; }

  // Pulls `reference` into image_path().
  void pull(const std::string& reference, bool plain_http);

  // Unpacks image_path(), checking every blob, and verifies the slot image's
  // signature against the running image's trust store. Returns its version.
  std::string unpack_and_verify();

  // Runs the new installer on the boot disk (it verifies again, then writes
  // the inactive slot). Throws an Error naming the problem.
  UpgradeOutcome write();

  ~UpgradeJob();

 private:
  const NodeContext& node_;
  Report report_;
  std::filesystem::path dir_;
  std::optional<installer::InstallerImage> unpacked_;
};

}  // namespace bronze::machined
