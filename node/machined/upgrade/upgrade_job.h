// One upgrade on a running node (docs/DESIGN.md, upgrade sequence): the installer
// image is received from the client or pulled from a registry; its
// signature, which covers every byte of it, is verified against the running
// image's trust store before anything of it is parsed, run or written; its
// security version is checked against the node's floor; it is unpacked with
// every blob's digest checked; and the new version's installer, checked
// again right before it runs, verifies the image once more and writes the
// inactive slot.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "installer_image/installer_image.h"
#include "node/machined/node_context.h"
#include "node/machined/upgrade/payload_feed.h"
#include "registry/pull.h"

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
  std::filesystem::path image_path() const { return dir_.path() / "installer.tar"; }

  // Pulls `reference` into image_path(), all but the slot image, which
  // write() streams from the registry into the slot; the signature is
  // verified before a layer is fetched. Unless `full`, write() builds the
  // slot image from the active slot and the chunks it lacks when the image
  // publishes a chunk index.
  void pull(const std::string& reference, bool plain_http, bool full = false);

  // Verifies image_path()'s signature against the running image's trust
  // store, checks its arch and security version, and unpacks it, checking
  // every blob. Returns its version.
  std::string unpack_and_verify();

  // Checks the unpacked files again, then runs the new installer from them
  // on the boot disk: it verifies the image again, writes the inactive slot
  // (streaming a pulled image's slot image from the registry), verifies it
  // from the disk and records it in META, without putting it on trial.
  // Throws an Error naming the problem; META and the boot state are then as
  // they were.
  UpgradeOutcome write();

  // Puts the written slot on trial (one boot attempt): after the cluster steps.
  UpgradeOutcome arm();

  ~UpgradeJob();

 private:
  const NodeContext& node_;
  Report report_;
  // A per-job folder under the work dir: the image and its unpacked layer
  // go with the job, whatever happened.
  TempDir dir_;
  std::optional<oci::InstallerImage> unpacked_;
  std::optional<UpgradeOutcome> written_;
  // A pulled image's slot image, left in the registry until write().
  std::optional<SlotImageOrigin> deferred_;
  bool full_ = false;
  // The source of that slot image: the whole layer, or a delta.
  PayloadFeed::Source slot_image_source();
  // report_ is called from the payload's thread too.
  std::mutex report_mutex_;
  void report(const UpgradeStep& step);
};

}  // namespace bronze::machined
