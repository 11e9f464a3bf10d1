// installer: the A/B operations on a Bronze disk, a regular file or a block
// device. On a node machined runs the installer of the new version (docs/DESIGN.md
// decision 7); offline it works the same on a disk image.
//
//   installer upgrade  --disk D --image IMG.tar [--payload FILE|-] [--hold] [--tries N] [--trust KEY|DIR]
//   installer rollback --disk D [--trust KEY|DIR]
//   installer status   --disk D [--json]
//   installer commit   --disk D --slot A|B     (machined, after health checks)
//
// Exit codes: 0 done, 1 refused or failed (nothing written when refused
// before the first write), 2 bad usage.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

#include "base/arch.h"
#include "base/error.h"
#include "base/fd_reader.h"
#include "base/progress.h"
#include "disk/slots/ab_update.h"
#include "disk/slots/status.h"
#include "installer_image/installer_image.h"

namespace fs = std::filesystem;
using bronze::Error;

namespace {

// The running image's trust store: every *.pub in it is trusted.
constexpr const char* kNodeTrustStore = "/etc/bronze/trust";

fs::path trust_store(const std::string& given) {
  if (!given.empty()) return given;
  if (fs::exists(kNodeTrustStore)) return kNodeTrustStore;
  throw Error(std::string("no trust store at ") + kNodeTrustStore +
              "; give the public key (or a folder of them) with --trust");
}

void print_json(const nlohmann::json& j) { std::cout << j.dump(2) << "\n"; }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Bronze installer: upgrade, roll back and inspect the A/B slots of a disk (a block device or an image file)."};
  app.require_subcommand(1);
  std::string disk, image, trust, slot, payload;
  int tries = 1;
  bool json = false, quiet = false, hold = false;

  auto* upgrade = app.add_subcommand("upgrade", "verify an installer image, write it to the inactive slot and put that slot on trial");
  upgrade->add_option("--disk", disk, "disk to upgrade")->required();
  upgrade->add_option("--image", image, "installer image: the OCI archive (.tar) `imager installer` writes, signed")->required();
  upgrade->add_option("--payload", payload,
                      "the slot image's bytes from this file, or from standard input with '-', instead of from the "
                      "archive (a node streams them from the registry); they must match the signed digest");
  upgrade->add_option("--tries", tries, "boot attempts the new slot gets before GRUB falls back")->capture_default_str();
  upgrade->add_option("--trust", trust,
                      std::string("public key the image must be signed with, or a folder of them (default: ") +
                          kNodeTrustStore + ")");
  upgrade->add_flag("--hold", hold,
                    "write and verify the slot and record it in META, but do not put it on trial (machined does "
                    "that once its cluster steps are done)");
  upgrade->add_flag("--json", json, "print the result as JSON");
  upgrade->add_flag("-q,--quiet", quiet, "no progress lines");

  auto* rollback = app.add_subcommand("rollback", "make the other committed slot the default");
  rollback->add_option("--disk", disk, "disk to roll back")->required();
  rollback->add_option("--trust", trust, "public key (or a folder of them) to verify the other slot with before switching");
  rollback->add_flag("--json", json, "print the result as JSON");

  auto* status = app.add_subcommand("status", "each slot's version and state, what boots next, the last failed upgrade");
  status->add_option("--disk", disk, "disk to inspect")->required();
  status->add_flag("--json", json, "print the status as JSON");

  auto* commit = app.add_subcommand("commit", "after a boot: commit the booted slot, or record that its trial failed (machined runs this once its health checks pass)");
  commit->add_option("--disk", disk, "disk the system booted from")->required();
  commit->add_option("--slot", slot, "slot that booted")->required()->check(CLI::IsMember({"A", "B"}));
  commit->add_flag("--json", json, "print the result as JSON");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }

  try {
    if (*upgrade) {
      // Progress goes to stderr, so it stays on with --json (machined relays it).
      bronze::Progress progress(!quiet);
      fs::path store = trust_store(trust);
      progress.stage("verify signature");
      bronze::oci::InstallerImage unpacked = bronze::oci::open_installer_image(
          image, bronze::build_arch(), bronze::signing::TrustStore::load(store), {},
          payload.empty() ? bronze::oci::PayloadBlob::kRequired : bronze::oci::PayloadBlob::kMayBeAbsent);
      bronze::disk::UpgradeRequest r;
      r.disk = disk;
      r.payload.size = unpacked.payload().size;
      r.payload.sha256_hex = unpacked.payload().hex();
      std::unique_ptr<bronze::oci::BlobStream> from_archive;
      std::unique_ptr<bronze::FdReader> from_file;
      if (payload.empty()) {
        from_archive = unpacked.open_payload();
        r.payload.read = [&](char* buffer, size_t n) { return from_archive->read(buffer, n); };
      } else {
        from_file = std::make_unique<bronze::FdReader>(payload == "-" ? fs::path() : fs::path(payload));
        r.payload.read = [&](char* buffer, size_t n) { return from_file->read(buffer, n); };
      }
      r.claims = unpacked.claims();
      r.trust = store;
      r.tries = tries;
      r.arm = !hold;
      r.node_arch = bronze::build_arch();
      auto result = bronze::disk::upgrade(r, progress);
      if (json) {
        print_json({{"slot", std::string(1, result.slot)}, {"version", result.version}, {"from", result.from_version},
                    {"tries", result.tries}, {"bytes_written", result.bytes_written}, {"on_trial", !hold}});
      } else if (hold) {
        std::printf("upgrade: wrote %s to slot %c (verified, not on trial)\n", result.version.c_str(), result.slot);
      } else {
        std::printf("upgrade: wrote %s to slot %c (on trial, %d %s); the next boot tries it\n", result.version.c_str(),
                    result.slot, result.tries, result.tries == 1 ? "try" : "tries");
      }
    } else if (*rollback) {
      std::optional<bronze::signing::TrustStore> store;
      if (!trust.empty() || fs::exists(kNodeTrustStore)) store = bronze::signing::TrustStore::load(trust_store(trust));
      auto result = bronze::disk::rollback(disk, store);
      if (json) {
        print_json({{"slot", std::string(1, result.slot)}, {"version", result.version}, {"from", result.from_version}});
      } else {
        std::printf("rollback: slot %c (%s) is the default again; the next boot runs it\n", result.slot, result.version.c_str());
      }
    } else if (*status) {
      auto s = bronze::disk::disk_status(disk);
      if (json) print_json(s);
      else std::printf("%s", bronze::disk::format_status(s).c_str());
    } else if (*commit) {
      auto result = bronze::disk::settle_boot(disk, slot[0]);
      const char* outcome = result.outcome == bronze::disk::BootOutcome::Committed        ? "committed"
                            : result.outcome == bronze::disk::BootOutcome::TrialFailed    ? "trial-failed"
                                                                                              : "already-committed";
      if (json) {
        print_json({{"outcome", outcome}, {"version", result.version}, {"failed_version", result.failed_version}});
      } else if (result.outcome == bronze::disk::BootOutcome::TrialFailed) {
        std::printf("upgrade to %s failed; rolled back to %s\n", result.failed_version.c_str(), result.version.c_str());
      } else {
        std::printf("slot %s: %s %s\n", slot.c_str(), result.version.c_str(), outcome);
      }
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "installer: error: %s\n", e.what());
    return 1;
  }
}
