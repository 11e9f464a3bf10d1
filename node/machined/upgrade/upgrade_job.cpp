#include "node/machined/upgrade/upgrade_job.h"

#include <nlohmann/json.hpp>

#include <mutex>

#include "base/error.h"
#include "base/subprocess.h"
#include "disk/slots/ab_update.h"
#include "disk/slots/bronze_disk.h"
#include "installer_image/installer_image.h"
#include "installer_image/media_types.h"
#include "node/machined/upgrade/new_installer.h"
#include "node/machined/upgrade/payload_feed.h"
#include "node/machined/upgrade/registry_endpoints.h"
#include "registry/pull.h"
#include "registry/reference.h"
#include "chunks/chunk_index.h"
#include "signing/trust_store.h"

namespace bronze::machined {
namespace fs = std::filesystem;

bool UpgradeGate::try_enter(const std::string& what, std::string& holder) {
  bool expected = false;
  if (!busy_.compare_exchange_strong(expected, true)) {
    holder = what_;
    return false;
  }
  what_ = what;
  return true;
}

void UpgradeGate::leave() { busy_.store(false); }

UpgradeJob::UpgradeJob(const NodeContext& node, Report report)
    : node_(node), report_(std::move(report)), dir_("upgrade", node.work_dir) {}

UpgradeJob::~UpgradeJob() = default;

void UpgradeJob::report(const UpgradeStep& step) {
  std::lock_guard lock(report_mutex_);
  report_(step);
}

void UpgradeJob::pull(const std::string& reference, bool plain_http, bool full) {
  full_ = full;
  auto ref = registry::parse_reference(reference);
  auto trust = signing::TrustStore::load(node_.trust);
  registry::PullOptions options;
  options.arch = node_.facts.arch;
  options.trust = &trust;
  options.plain_http = plain_http;
  options.endpoints = registry_endpoints(ref, node_.config ? node_.config->machine.registries : config::RegistriesConfig{},
                                         plain_http);
  options.on_endpoint = [&](const registry::Endpoint& endpoint) {
    report_({"pull", "fetching " + reference + " from " + (endpoint.mirror ? "mirror " : "registry ") + endpoint.url +
                         (endpoint.login ? " as " + endpoint.login->username : ""),
             0, 0});
  };
  options.deferred_media_type = oci::kSlotPayloadMediaType;
  options.on_resume = [&](const std::string& blob, uint64_t at, const std::string& why) {
    report_({"pull", "the transfer of " + blob + " broke off at byte " + std::to_string(at) + " (" + why +
                         "); resuming from there",
             0, 0});
  };
  uint64_t last_reported = 0;
  options.progress = [&](uint64_t done, uint64_t total) {
    if (done - last_reported < (4u << 20) && done != total) return;
    last_reported = done;
    report_({"pull", "pulling " + reference, done, total});
  };
  report_({"pull", "pulling " + reference + (plain_http ? " over plain HTTP" : ""), 0, 0});
  auto result = registry::pull_to_archive(ref, options, image_path());
  if (result.deferred) {
    registry::PullOptions stream_options = options;
    stream_options.progress = nullptr;
    stream_options.on_endpoint = nullptr;
    stream_options.on_resume = nullptr;
    stream_options.trust = nullptr;  // the store dies with this call; streaming needs none
    deferred_ = SlotImageOrigin{ref, result.served_by, stream_options, *result.deferred};
  }
  report_({"pull", "pulled " + reference + " from " + result.endpoint + " (" + result.manifest_digest + ", " +
                       result.claims.version + ", signed by a trusted key)",
           result.bytes, result.bytes});
}

std::string UpgradeJob::unpack_and_verify() {
  if (!node_.disk) throw Error("this node found no boot disk with Bronze's layout; there is nothing to upgrade");
  report_({"verify", "verifying the installer image's signature, then every blob, and unpacking it", 0, 0});
  // The signature is checked before anything of the image is parsed; the
  // layer is unpacked only from bytes that match the signed digests.
  // A local image's slot image is hashed now, so that a damaged one is
  // refused before anything happens; a pulled one's is checked as it streams.
  unpacked_.emplace(oci::open_installer_image(
      image_path(), node_.facts.arch, signing::TrustStore::load(node_.trust), dir_.path(),
      deferred_ ? oci::PayloadBlob::kMayBeAbsent : oci::PayloadBlob::kVerified));
  if (deferred_ && deferred_->layer.digest != unpacked_->payload().digest) {
    throw Error("the slot image left in the registry (" + deferred_->layer.digest +
                ") is not the one the verified manifest names (" + unpacked_->payload().digest + ")");
  }
  const signing::ImageClaims& claims = unpacked_->claims();
  uint64_t floor = disk::BronzeDisk::open(*node_.disk).node().security_floor;
  if (auto refusal = disk::below_floor(claims.version, claims.security_version, floor); !refusal.empty()) {
    throw Error(refusal);
  }
  report_({"verify", "the image of " + claims.version + " (" + unpacked_->manifest_digest() +
                         ") is signed by a trusted key and every blob matches",
           0, 0});
  return claims.version;
}

PayloadFeed::Source UpgradeJob::slot_image_source() {
  SlotImageOrigin origin = *deferred_;
  auto note = [this](const std::string& line) { report({"stream", line, 0, 0}); };
  auto whole = [origin, note](const Sink& sink) { stream_whole(origin, sink, note); };
  if (full_) {
    report({"stream", "fetching the whole slot image (--full)", 0, 0});
    return whole;
  }
  std::optional<std::string> index_bytes = unpacked_->chunk_index();
  if (!index_bytes) {
    report({"stream", "the image publishes no chunk index; fetching the whole slot image", 0, 0});
    return whole;
  }
  // Signed with the image, yet parsed with care: a malformed one is refused.
  auto index = std::make_shared<chunks::ChunkIndex>(chunks::parse_chunk_index(*index_bytes));
  std::string why = "this node does not know its slot (no bronze.slot=)";
  std::optional<SeedSlot> seed;
  if (!node_.facts.slot.empty()) seed = active_slot_seed(*node_.disk, node_.facts.slot.at(0), why);
  if (!seed) {
    report({"stream", "no delta: the active slot cannot serve as its seed (" + why +
                          "); fetching the whole slot image", 0, 0});
    return whole;
  }
  return [this, origin, index, seed = *seed, note](const Sink& sink) {
    chunks::DeltaStats stats = stream_delta(origin, *index, seed, sink, note);
    report({"stream", "delta upgrade: " + std::to_string(stats.seed_bytes) + " bytes (" +
                          std::to_string(stats.seed_chunks) + " chunks) from " + seed.what + ", " +
                          std::to_string(stats.network_bytes) + " bytes (" + std::to_string(stats.network_chunks) +
                          " chunks) from the registry in " + std::to_string(stats.requests) + " requests" +
                          (stats.zero_chunks ? ", " + std::to_string(stats.zero_bytes) + " bytes (" +
                                                   std::to_string(stats.zero_chunks) + " chunks) of zeros"
                                             : ""),
            0, 0});
  };
}

UpgradeOutcome UpgradeJob::write() {
  if (!unpacked_) unpack_and_verify();
  const auto& unpacked = *unpacked_;
  // What runs is what was verified: the loader, libraries and installer are
  // hashed again against the digests they were written with.
  unpacked.check_unchanged();
  std::vector<std::string> argv = new_installer_command(unpacked.root());
  // --hold: the slot is written and verified, not yet put on trial; arm()
  // does that once the cluster steps are done.
  argv.insert(argv.end(), {"upgrade", "--disk", node_.disk->string(), "--image", image_path().string(), "--trust",
                           node_.trust.string(), "--hold", "--json"});
  RunOptions options;
  options.on_stderr_line = [&](const std::string& line) {
    if (!line.empty()) report({"install", line, 0, 0});
  };
  // A pulled image's slot image goes from the registry through a FIFO into
  // the installer, which writes it into the slot as it comes.
  std::unique_ptr<PayloadFeed> feed;
  if (deferred_) {
    argv.insert(argv.end(), {"--payload", "-"});
    uint64_t last_reported = 0;
    feed = std::make_unique<PayloadFeed>(
        dir_.path() / "payload.fifo", slot_image_source(), deferred_->layer.size,
        [this, last_reported](uint64_t done, uint64_t total) mutable {
          if (done - last_reported < (4u << 20) && done != total) return;
          last_reported = done;
          report({"stream", "streaming the slot image into the inactive slot", done, total});
        });
    options.stdin_file = feed->fifo().string();
    report({"install", "running the new version's installer; the slot image streams from " +
                           deferred_->endpoint.url + " (" + std::to_string(deferred_->layer.size) + " bytes)",
            0, 0});
  } else {
    report({"install", "running the new version's installer", 0, 0});
  }
  RunResult result;
  {
    std::shared_lock children_running(*node_.children);
    result = run(argv, options);
  }
  std::string feed_error = feed ? feed->finish() : "";
  // The upgrade's memory, for whoever sizes nodes (and the benchmark).
  report({"install", "installer peak memory " + std::to_string(result.max_rss_kib / 1024) + " MiB" +
                         (feed ? "; slot image streamed: " + std::to_string(feed->bytes()) + " bytes" : ""),
          0, 0});
  if (result.exit_code != 0) {
    std::string why = result.err;
    auto at = why.find("error: ");
    if (at != std::string::npos) why = why.substr(at + 7);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    // The registry's side says first what went wrong there, when it did.
    if (!feed_error.empty() && feed_error != "the installer stopped reading the slot image") {
      throw Error("streaming the slot image from the registry failed: " + feed_error + "; the installer said: " + why);
    }
    throw Error("the new installer refused the upgrade: " + why);
  }
  auto out = nlohmann::json::parse(result.out);
  written_ = UpgradeOutcome{out.at("version").get<std::string>(), out.at("from").get<std::string>(),
                            out.at("slot").get<std::string>()};
  return *written_;
}

UpgradeOutcome UpgradeJob::arm() {
  if (!written_) throw Error("no slot was written to put on trial");
  disk::arm_trial(*node_.disk, written_->slot.at(0), written_->version, 1, std::nullopt);
  return *written_;
}

}  // namespace bronze::machined
