#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "base/error.h"
#include "bronzectl/call_deadline.h"
#include "bronzectl/commands.h"
#include "bronzectl/progress_line.h"
#include "bronzectl/rollout.h"

namespace bronze::ctl {
namespace fs = std::filesystem;

namespace {

constexpr size_t kChunkBytes = 1u << 20;

struct NodeUpgrade {
  bool ok = false;
  std::string error;
  v1::UpgradeEvent result;
};

// Sends the options (and the image, when it is a local file) while a second
// thread reads the node's progress events.
NodeUpgrade upgrade_one(const Session& session, const std::string& node, const UpgradeCommand& command,
                        bool stream_file, ProgressLine& progress) {
  NodeUpgrade out;
  Connection c = connect(node, session.identity);
  grpc::ClientContext context;
  auto stream = c.stub->Upgrade(&context);

  std::thread reader([&] {
    v1::UpgradeEvent event;
    while (stream->Read(&event)) {
      if (event.step() == "done") out.result = event;
      // While we stream, our own count of bytes sent is the progress.
      if (stream_file && event.step() == "receive") continue;
      if (event.total() > 0 && event.step() != "done") progress.bytes(event.step(), event.done(), event.total());
      else if (!event.message().empty()) progress.message(event.step(), event.message());
    }
  });

  v1::UpgradeRequest first;
  auto* options = first.mutable_options();
  options->set_stage(command.stage);
  options->set_preserve(command.preserve);
  options->set_force(command.force);
  options->set_insecure_registry(command.insecure);
  options->set_full(command.full);
  uint64_t size = stream_file ? fs::file_size(command.image) : 0;
  if (!stream_file) options->set_image(command.image);
  options->set_image_size(size);
  bool writing = stream->Write(first);
  if (writing && stream_file) {
    std::ifstream in(command.image, std::ios::binary);
    std::string buffer(kChunkBytes, '\0');
    uint64_t sent = 0;
    while (writing && in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      auto n = static_cast<size_t>(in.gcount());
      if (n == 0) break;
      v1::UpgradeRequest chunk;
      chunk.set_chunk(buffer.data(), n);
      writing = stream->Write(chunk);
      sent += n;
      progress.bytes("send", sent, size);
    }
  }
  stream->WritesDone();
  reader.join();
  progress.finish();
  grpc::Status status = stream->Finish();
  if (!status.ok()) {
    out.error = describe_failure(c, status);
    return out;
  }
  if (out.result.version().empty()) {
    out.error = "the node ended the upgrade without a result";
    return out;
  }
  out.ok = true;
  return out;
}

// After the reboot: the node answers again, runs the new version, and has
// committed it (or reports the failed trial).
std::string wait_for_commit(const Session& session, const std::string& node, const std::string& version, int seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  std::string last = "the node did not answer";
  // An answer from the old system before it goes down is no match: it runs
  // the old version, or the new slot is not yet committed.
  while (std::chrono::steady_clock::now() < deadline) {
    Connection c = connect(node, session.identity);
    v1::StatusResponse status;
    v1::VersionResponse running;
    auto s = c.stub->Version(call_context(std::chrono::seconds(5)).get(), v1::VersionRequest{}, &running);
    if (s.ok()) s = c.stub->Status(call_context(std::chrono::seconds(5)).get(), v1::StatusRequest{}, &status);
    if (s.ok()) {
      if (status.last_failed_version() == version) {
        return "the upgrade to " + version + " failed to boot; the node is back on " + running.version();
      }
      for (const auto& slot : status.slots()) {
        if (slot.name() == running.slot() && running.version() == version && slot.committed()) return "";
      }
      last = "the node runs " + running.version() + " from slot " + running.slot();
    } else {
      last = describe_failure(c, s);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  return "no committed " + version + " after " + std::to_string(seconds) + " s; last: " + last;
}

struct NodeOutcome {
  std::string node;
  bool ok = false;
  std::string error;
  v1::UpgradeEvent result;
  bool waited = false;
};

NodeOutcome upgrade_and_wait(const Session& session, const std::string& node, const UpgradeCommand& command,
                             bool stream_file, bool wait, ProgressMode mode) {
  NodeOutcome out;
  out.node = node;
  ProgressLine progress(node, {.file = stderr, .mode = mode});
  NodeUpgrade result = upgrade_one(session, node, command, stream_file, progress);
  out.result = result.result;
  if (!result.ok) {
    out.error = result.error;
    return out;
  }
  if (wait && result.result.rebooting()) {
    progress.message("wait", "waiting for " + result.result.version() + " to boot and commit");
    out.error = wait_for_commit(session, node, result.result.version(), command.wait_seconds);
    out.waited = true;
  }
  out.ok = out.error.empty();
  return out;
}

// A bar on a terminal, unless several nodes upgrade side by side: their bars
// would overwrite each other's line.
ProgressMode progress_mode_for(const Session& session, size_t side_by_side) {
  return progress_mode(session.json, ::isatty(STDERR_FILENO) == 1 && side_by_side == 1);
}

// Asks every node its machine type before anything is written, so that an
// unreachable node stops the rollout at the start rather than halfway.
std::vector<RolloutNode> machine_types(const Session& session) {
  std::vector<RolloutNode> nodes;
  for (const auto& node : session.targets) {
    Connection c = connect(node, session.identity);
    v1::VersionResponse response;
    auto status = c.stub->Version(call_context().get(), v1::VersionRequest{}, &response);
    if (!status.ok()) throw Error("nothing upgraded: " + describe_failure(c, status));
    nodes.push_back({node, response.machine_type()});
  }
  return nodes;
}

void print_outcome(const Session& session, const NodeOutcome& o, nlohmann::json& rows) {
  if (session.json) {
    nlohmann::json row = {{"node", o.node}, {"ok", o.ok}};
    if (!o.result.version().empty()) {
      row["version"] = o.result.version();
      row["from"] = o.result.from_version();
      row["slot"] = o.result.slot();
      row["rebooting"] = o.result.rebooting();
    }
    if (!o.ok) row["error"] = o.error;
    rows.push_back(row);
  } else if (!o.ok) {
    std::fprintf(stderr, "%s: error: %s\n", o.node.c_str(), o.error.c_str());
  } else {
    std::printf("%s: %s -> %s in slot %s%s\n", o.node.c_str(), o.result.from_version().c_str(),
                o.result.version().c_str(), o.result.slot().c_str(),
                o.waited                 ? ", booted and committed"
                : o.result.rebooting()   ? ", rebooting"
                                         : ", staged for the next reboot");
  }
  std::fflush(stdout);
}

}  // namespace

int upgrade_command(const Session& session, const UpgradeCommand& command) {
  bool stream_file = fs::is_regular_file(command.image);
  if (!stream_file && (command.image.find('/') == std::string::npos || command.image.ends_with(".tar"))) {
    throw Error("--image " + command.image +
                " is neither a local installer image (.tar) nor a registry reference (host[:port]/repo:tag)");
  }
  nlohmann::json rows = nlohmann::json::array();
  if (session.targets.size() == 1) {
    auto outcome = upgrade_and_wait(session, session.targets[0], command, stream_file, command.wait,
                                    progress_mode_for(session, 1));
    print_outcome(session, outcome, rows);
    if (session.json) std::printf("%s\n", rows.dump(2).c_str());
    return outcome.ok ? 0 : 1;
  }

  // A rolling upgrade: each batch waits until its nodes run the new version,
  // committed, before the next starts (unless only staging).
  auto batches = plan_rollout(machine_types(session), command.max_unavailable);
  bool wait = !command.stage;
  std::string failed;
  for (const auto& batch : batches) {
    std::vector<NodeOutcome> outcomes(batch.size());
    std::vector<std::thread> threads;
    ProgressMode mode = progress_mode_for(session, batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
      threads.emplace_back(
          [&, i] { outcomes[i] = upgrade_and_wait(session, batch[i], command, stream_file, wait, mode); });
    }
    for (auto& t : threads) t.join();
    for (const auto& o : outcomes) {
      print_outcome(session, o, rows);
      if (!o.ok && failed.empty()) failed = o.node;
    }
    if (!failed.empty()) break;
  }
  if (session.json) {
    std::printf("%s\n", rows.dump(2).c_str());
  } else if (!failed.empty()) {
    std::fprintf(stderr, "rolling upgrade stopped at %s; the nodes after it were not touched\n", failed.c_str());
  }
  return failed.empty() ? 0 : 1;
}

}  // namespace bronze::ctl
