#include "rootfs/machined/upgrade_job.h"

#include <nlohmann/json.hpp>

#include <mutex>

#include "base/error.h"
#include "base/subprocess.h"
#include "installer/installer_image.h"
#include "installer/slot_verify.h"
#include "installer/registry/pull.h"
#include "installer/registry/reference.h"
#include "rootfs/machined/new_installer.h"
#include "signing/ed25519.h"

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

namespace {

// A per-job folder under the work dir: the image and its unpacked layer are
// removed with the job, whatever happened.
fs::path make_job_dir(const fs::path& work_dir) {
  fs::create_directories(work_dir);
  std::string pattern = (work_dir / "upgrade-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw_errno("cannot make a folder in " + work_dir.string());
  return pattern;
}

}  // namespace

UpgradeJob::UpgradeJob(const NodeContext& node, Report report)
    : node_(node), report_(std::move(report)), dir_(make_job_dir(node.work_dir)) {}

UpgradeJob::~UpgradeJob() {
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

void UpgradeJob::pull(const std::string& reference, bool plain_http) {
  auto ref = registry::parse_reference(reference);
  registry::PullOptions options;
  options.arch = node_.facts.arch;
  options.plain_http = plain_http;
  uint64_t last_reported = 0;
  options.progress = [&](uint64_t done, uint64_t total) {
    if (done - last_reported < (4u << 20) && done != total) return;
    last_reported = done;
    report_({"pull", "pulling " + reference, done, total});
  };
  report_({"pull", "pulling " + reference + (plain_http ? " over plain HTTP" : ""), 0, 0});
  auto result = registry::pull_to_archive(ref, options, image_path());
  report_({"pull", "pulled " + reference + " (" + result.manifest_digest + ")", result.bytes, result.bytes});
}

std::string UpgradeJob::unpack_and_verify() {
  if (!node_.disk) throw Error("this node found no boot disk with Bronze's layout; there is nothing to upgrade");
  report_({"unpack", "checking every blob of the installer image and unpacking it", 0, 0});
  unpacked_.emplace(installer::open_installer_image(image_path(), node_.facts.arch));
  auto manifest = installer::verify_slot(unpacked_->slot_image(), 0, signing::PublicKey::load(node_.trust_key));
  if (manifest.arch != node_.facts.arch) {
    throw Error("the image is for " + manifest.arch + "; this node is " + node_.facts.arch);
  }
  report_({"verify", "the image of " + manifest.version + " is signed by a trusted key and every artifact matches", 0, 0});
  return manifest.version;
}

UpgradeOutcome UpgradeJob::write() {
  if (!unpacked_) unpack_and_verify();
  const auto& unpacked = *unpacked_;
  std::vector<std::string> argv = new_installer_command(unpacked.root());
  argv.insert(argv.end(), {"upgrade", "--disk", node_.disk->string(), "--image", unpacked.root().string(), "--trust",
                           node_.trust_key.string(), "--json"});
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
