#include "node/machined/upgrade/upgrade_job.h"

#include <nlohmann/json.hpp>

#include <mutex>

#include "base/error.h"
#include "base/subprocess.h"
#include "disk/slots/ab_update.h"
#include "disk/slots/bronze_disk.h"
#include "installer_image/installer_image.h"
#include "node/machined/upgrade/new_installer.h"
#include "node/machined/upgrade/registry_endpoints.h"
#include "registry/pull.h"
#include "registry/reference.h"
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

void UpgradeJob::pull(const std::string& reference, bool plain_http) {
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
  uint64_t last_reported = 0;
  options.progress = [&](uint64_t done, uint64_t total) {
    if (done - last_reported < (4u << 20) && done != total) return;
    last_reported = done;
    report_({"pull", "pulling " + reference, done, total});
  };
  report_({"pull", "pulling " + reference + (plain_http ? " over plain HTTP" : ""), 0, 0});
  auto result = registry::pull_to_archive(ref, options, image_path());
  report_({"pull", "pulled " + reference + " from " + result.endpoint + " (" + result.manifest_digest + ", " +
                       result.claims.version + ", signed by a trusted key)",
           result.bytes, result.bytes});
}

std::string UpgradeJob::unpack_and_verify() {
  if (!node_.disk) throw Error("this node found no boot disk with Bronze's layout; there is nothing to upgrade");
  report_({"verify", "verifying the installer image's signature, then every blob, and unpacking it", 0, 0});
  // The signature is checked before anything of the image is parsed; the
  // layer is unpacked only from bytes that match the signed digests.
  unpacked_.emplace(
      oci::open_installer_image(image_path(), node_.facts.arch, signing::TrustStore::load(node_.trust), dir_.path()));
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

UpgradeOutcome UpgradeJob::write() {
  if (!unpacked_) unpack_and_verify();
  const auto& unpacked = *unpacked_;
  // What runs is what was verified: the loader, libraries and installer are
  // hashed again against the digests they were written with.
  unpacked.check_unchanged();
  std::vector<std::string> argv = new_installer_command(unpacked.root());
  argv.insert(argv.end(), {"upgrade", "--disk", node_.disk->string(), "--image", image_path().string(), "--trust",
                           node_.trust.string(), "--json"});
  report_({"install", "running the new version's installer", 0, 0});
  RunOptions options;
  options.on_stderr_line = [&](const std::string& line) {
    if (!line.empty()) report_({"install", line, 0, 0});
  };
  RunResult result;
  {
    std::shared_lock children_running(*node_.children);
    result = run(argv, options);
  }
  if (result.exit_code != 0) {
    std::string why = result.err;
    auto at = why.find("error: ");
    if (at != std::string::npos) why = why.substr(at + 7);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    throw Error("the new installer refused the upgrade: " + why);
  }
  auto out = nlohmann::json::parse(result.out);
  return {out.at("version").get<std::string>(), out.at("from").get<std::string>(), out.at("slot").get<std::string>()};
}

}  // namespace bronze::machined
