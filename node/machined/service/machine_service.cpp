#include "node/machined/service/machine_service.h"

#include <chrono>
#include <fstream>
#include <thread>

#include "disk/slots/ab_update.h"
#include "disk/slots/bronze_disk.h"
#include "disk/slots/slot_verify.h"
#include "disk/slots/status.h"
#include "node/machined/service/access_policy.h"
#include "node/machined/state/apply_config.h"
#include "node/machined/upgrade/ephemeral.h"
#include "node/machined/upgrade/etcd_access.h"
#include "signing/trust_store.h"

namespace bronze::machined {

namespace {

// Streamed images larger than this are refused: they are kept in memory (tmpfs).
constexpr uint64_t kMaxImageBytes = 1ull << 30;
// etcd's default backend quota is 2 GiB; a snapshot of that takes a while.
constexpr auto kEtcdSnapshotDeadline = std::chrono::minutes(30);

grpc::Status failed(grpc::StatusCode code, const std::string& message) { return grpc::Status(code, message); }

}  // namespace

void describe_version(const NodeContext& node, v1::VersionResponse* response) {
  response->set_version(node.facts.version);
  response->set_arch(node.facts.arch);
  response->set_platform(node.facts.platform);
  response->set_slot(node.facts.slot);
  response->set_hostname(node.hostname);
  response->set_machine_type(node.machine_type);
}

grpc::Status MachineService::Version(grpc::ServerContext* context, const v1::VersionRequest*,
                                     v1::VersionResponse* response) {
  if (auto s = authorize(*context, "Version"); !s.ok()) return s;
  describe_version(node_, response);
  return grpc::Status::OK;
}

grpc::Status MachineService::Status(grpc::ServerContext* context, const v1::StatusRequest*,
                                    v1::StatusResponse* response) {
  if (auto s = authorize(*context, "Status"); !s.ok()) return s;
  if (!node_.disk) return failed(grpc::StatusCode::FAILED_PRECONDITION, "this node found no boot disk with Bronze's layout");
  try {
    auto status = disk::disk_status(*node_.disk);
    for (const char* name : {"A", "B"}) {
      const auto& slot = status.at("slots").at(name);
      auto* out = response->add_slots();
      out->set_name(name);
      out->set_version(slot.value("version", ""));
      out->set_committed(slot.value("committed", false));
      out->set_trial(slot.value("trial", false));
      out->set_tries_left(slot.value("tries_left", 0));
    }
    response->set_booted_slot(node_.facts.slot);
    response->set_default_slot(status.value("default", ""));
    response->set_next_boot(status.value("next_boot", ""));
    response->set_generation(status.value("generation", uint64_t{0}));
    response->set_pending_upgrade(status.value("pending_upgrade", ""));
    if (status.contains("last_failed_upgrade")) {
      response->set_last_failed_version(status["last_failed_upgrade"].value("version", ""));
      response->set_last_failed_rolled_back_to(status["last_failed_upgrade"].value("rolled_back_to", ""));
    }
    response->set_upgrade_running(gate_.busy());
  } catch (const std::exception& e) {
    return failed(grpc::StatusCode::INTERNAL, std::string("cannot read the boot disk: ") + e.what());
  }
  return grpc::Status::OK;
}

grpc::Status MachineService::Verify(grpc::ServerContext* context, const v1::VerifyRequest* request,
                                    v1::VerifyResponse* response) {
  if (auto s = authorize(*context, "Verify"); !s.ok()) return s;
  if (!node_.disk) return failed(grpc::StatusCode::FAILED_PRECONDITION, "this node found no boot disk with Bronze's layout");
  std::string slot = request->slot().empty() ? node_.facts.slot : request->slot();
  if (slot != "A" && slot != "B") {
    return failed(grpc::StatusCode::INVALID_ARGUMENT,
                  "Verify: slot \"" + slot + "\" is not A or B" +
                      (request->slot().empty() ? " (this node did not boot from a slot; name one)" : ""));
  }
  try {
    // Against the running image's trust store, the keys it would install with.
    auto partition = disk::BronzeDisk::open(*node_.disk).slot_partition(slot.at(0));
    disk::SlotCheck check = disk::check_slot(*node_.disk, partition.start, signing::TrustStore::load(node_.trust));
    response->set_slot(slot);
    response->set_version(check.version);
    response->set_ok(check.ok());
    response->set_problem(check.problem);
    std::string bad;
    for (const auto& a : check.artifacts) {
      auto* out = response->add_artifacts();
      out->set_name(a.name);
      out->set_size(a.size);
      out->set_sha256(a.sha256);
      out->set_found_size(a.found_size);
      out->set_found_sha256(a.found_sha256);
      out->set_problem(a.problem);
      if (!a.problem.empty()) bad += (bad.empty() ? "" : ", ") + a.name;
    }
    node_.say("verify: slot " + slot + (check.ok() ? " matches its signed manifest"
                                                    : " does not verify: " + (check.problem.empty() ? bad : check.problem)));
  } catch (const std::exception& e) {
    return failed(grpc::StatusCode::INTERNAL, std::string("cannot read slot ") + slot + ": " + e.what());
  }
  return grpc::Status::OK;
}

grpc::Status MachineService::receive_image(grpc::ServerContext* context,
                                           grpc::ServerReaderWriter<v1::UpgradeEvent, v1::UpgradeRequest>* stream,
                                           const v1::UpgradeOptions& options, const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  uint64_t received = 0, last_reported = 0;
  v1::UpgradeRequest message;
  while (stream->Read(&message)) {
    if (!message.has_chunk()) {
      return failed(grpc::StatusCode::INVALID_ARGUMENT, "Upgrade: after the options only image chunks may follow");
    }
    received += message.chunk().size();
    if (received > kMaxImageBytes) {
      return failed(grpc::StatusCode::RESOURCE_EXHAUSTED, "the streamed image is larger than 1 GiB; refused");
    }
    out.write(message.chunk().data(), static_cast<std::streamsize>(message.chunk().size()));
    if (!out) return failed(grpc::StatusCode::RESOURCE_EXHAUSTED, "cannot store the image on the node (out of memory?)");
    if (received - last_reported >= (8u << 20)) {
      last_reported = received;
      v1::UpgradeEvent event;
      event.set_step("receive");
      event.set_message("receiving the installer image");
      event.set_done(received);
      event.set_total(options.image_size());
      stream->Write(event);
    }
  }
  if (context->IsCancelled()) return failed(grpc::StatusCode::CANCELLED, "the client went away while sending the image");
  if (received == 0) {
    return failed(grpc::StatusCode::INVALID_ARGUMENT,
                  "Upgrade: no image reference and no image streamed; give --image REF or a .tar file");
  }
  if (options.image_size() != 0 && options.image_size() != received) {
    return failed(grpc::StatusCode::DATA_LOSS, "the image arrived incomplete: " + std::to_string(received) + " of " +
                                                   std::to_string(options.image_size()) + " bytes");
  }
  node_.say("upgrade: received the installer image (" + std::to_string(received) + " bytes)");
  return grpc::Status::OK;
}

grpc::Status MachineService::Upgrade(grpc::ServerContext* context,
                                     grpc::ServerReaderWriter<v1::UpgradeEvent, v1::UpgradeRequest>* stream) {
  if (auto s = authorize(*context, "Upgrade"); !s.ok()) return s;
  v1::UpgradeRequest first;
  if (!stream->Read(&first) || !first.has_options()) {
    return failed(grpc::StatusCode::INVALID_ARGUMENT, "Upgrade: the first message must carry the upgrade options");
  }
  const v1::UpgradeOptions options = first.options();
  std::string holder;
  if (!gate_.try_enter("upgrade", holder)) {
    return failed(grpc::StatusCode::FAILED_PRECONDITION,
                  "an " + holder + " is already running on this node; wait for it to end (`bronzectl logs -f` shows it)");
  }
  struct Leave {
    UpgradeGate& gate;
    ~Leave() { gate.leave(); }
  } leave{gate_};

  auto report = [&](const UpgradeStep& step) {
    node_.say("upgrade: " + step.message);
    v1::UpgradeEvent event;
    event.set_step(step.step);
    event.set_message(step.message);
    event.set_done(step.done);
    event.set_total(step.total);
    stream->Write(event);
  };
  node_.say("upgrade: requested" + std::string(options.image().empty() ? " with a streamed image" : " from " + options.image()) +
            (options.stage() ? " (stage only)" : "") + (options.force() ? " (force)" : ""));
  UpgradeOutcome outcome;
  std::unique_ptr<ClusterGuard> guard;
  try {
    // 1. Fetch, unpack and verify, before anything else happens.
    UpgradeJob job(node_, report);
    if (options.image().empty()) {
      if (auto s = receive_image(context, stream, options, job.image_path()); !s.ok()) {
        node_.say("upgrade: refused: " + s.error_message());
        return s;
      }
    } else {
      job.pull(options.image(), options.insecure_registry(), options.full());
    }
    job.unpack_and_verify();
    ClusterOptions cluster;
    cluster.force = options.force();
    cluster.preserve = options.preserve();
    // 2. etcd's health and the upgrade lease: a refusal here writes nothing.
    if (node_.config) {
      guard = std::make_unique<ClusterGuard>(*node_.config, node_.node_name,
                                             [&](const std::string& line) { report({"cluster", line, 0, 0}); });
      guard->admit(cluster);
    }
    try {
      // 3. Write the inactive slot with the new version's installer (a pulled
      // image's slot image streams from the registry) and verify it, before
      // the node is drained: a slot image that fails costs no drain, no
      // etcd membership and no EPHEMERAL, and the long transfer happens
      // while the node still serves. It is not on trial yet.
      job.write();
      // 4. Drain, and leave etcd without preserve.
      if (guard) guard->make_way(cluster);
      // 5. EPHEMERAL, then the trial: the last write decides.
      if (!options.preserve()) {
        wipe_ephemeral(*node_.disk);
        report({"wipe", "EPHEMERAL wiped (preserve is off)", 0, 0});
      }
      outcome = job.arm();
    } catch (...) {
      if (guard) guard->abandon();
      throw;
    }
  } catch (const std::exception& e) {
    node_.say(std::string("upgrade: refused: ") + e.what());
    return failed(grpc::StatusCode::FAILED_PRECONDITION, e.what());
  }
  held_ = std::move(guard);
  v1::UpgradeEvent done;
  done.set_step("done");
  done.set_version(outcome.version);
  done.set_from_version(outcome.from_version);
  done.set_slot(outcome.slot);
  done.set_rebooting(!options.stage());
  done.set_message("slot " + outcome.slot + " holds " + outcome.version + " on trial" +
                   (options.stage() ? "; the next reboot tries it" : "; rebooting into it"));
  node_.say("upgrade: " + done.message());
  stream->Write(done);
  if (!options.stage()) node_.reboot_soon("upgrade to " + outcome.version);
  return grpc::Status::OK;
}

grpc::Status MachineService::Rollback(grpc::ServerContext* context, const v1::RollbackRequest*,
                                      v1::RollbackResponse* response) {
  if (auto s = authorize(*context, "Rollback"); !s.ok()) return s;
  if (!node_.disk) return failed(grpc::StatusCode::FAILED_PRECONDITION, "this node found no boot disk with Bronze's layout");
  std::string holder;
  if (!gate_.try_enter("rollback", holder)) {
    return failed(grpc::StatusCode::FAILED_PRECONDITION, "an " + holder + " is already running on this node; wait for it to end");
  }
  try {
    auto result = disk::rollback(*node_.disk, signing::TrustStore::load(node_.trust));
    response->set_slot(std::string(1, result.slot));
    response->set_version(result.version);
    response->set_from_version(result.from_version);
    node_.say("rollback: slot " + response->slot() + " (" + result.version + ") is the default again; rebooting into it");
  } catch (const std::exception& e) {
    gate_.leave();
    node_.say(std::string("rollback: refused: ") + e.what());
    return failed(grpc::StatusCode::FAILED_PRECONDITION, e.what());
  }
  // The gate stays closed: nothing else may start before the reboot.
  node_.reboot_soon("rollback");
  return grpc::Status::OK;
}

grpc::Status MachineService::Reboot(grpc::ServerContext* context, const v1::RebootRequest*, v1::RebootResponse*) {
  if (auto s = authorize(*context, "Reboot"); !s.ok()) return s;
  std::string holder;
  if (!gate_.try_enter("reboot", holder)) {
    return failed(grpc::StatusCode::FAILED_PRECONDITION, "an " + holder + " is running on this node; reboot after it ends");
  }
  node_.reboot_soon("requested through the API");
  return grpc::Status::OK;
}

grpc::Status MachineService::Logs(grpc::ServerContext* context, const v1::LogsRequest* request,
                                  grpc::ServerWriter<v1::LogEntry>* writer) {
  if (auto s = authorize(*context, "Logs"); !s.ok()) return s;
  uint64_t after = 0;
  auto send = [&](const std::vector<LogLine>& lines) {
    for (const auto& line : lines) {
      v1::LogEntry entry;
      entry.set_sequence(line.sequence);
      entry.set_unix_millis(line.unix_millis);
      entry.set_message(line.text);
      if (!writer->Write(entry)) return false;
      after = line.sequence;
    }
    return true;
  };
  if (!send(node_.log->since(0, static_cast<size_t>(std::max(0, request->tail_lines()))))) return grpc::Status::OK;
  while (request->follow() && !context->IsCancelled()) {
    node_.log->wait_for_more(after, std::chrono::milliseconds(500));
    if (!send(node_.log->since(after))) break;
  }
  return grpc::Status::OK;
}

grpc::Status MachineService::ApplyConfiguration(grpc::ServerContext* context, const v1::ApplyConfigurationRequest* request,
                                                v1::ApplyConfigurationResponse* response) {
  if (auto s = authorize(*context, "ApplyConfiguration"); !s.ok()) return s;
  std::string holder;
  if (!gate_.try_enter("apply-config", holder)) {
    return failed(grpc::StatusCode::FAILED_PRECONDITION, "an " + holder + " is running on this node; wait for it to end");
  }
  try {
    AppliedConfig applied = replace_machine_config(node_, request->data());
    response->set_installed(false);
    response->set_disk(applied.disk);
    response->set_version(applied.version);
    response->set_replaced(applied.replaced);
  } catch (const BadConfig& e) {
    gate_.leave();
    node_.say(std::string("machined: machine config refused: ") + e.what());
    return failed(grpc::StatusCode::INVALID_ARGUMENT, e.what());
  } catch (const std::exception& e) {
    gate_.leave();
    node_.say(std::string("machined: applying the machine config failed: ") + e.what());
    return failed(grpc::StatusCode::FAILED_PRECONDITION, e.what());
  }
  // The gate stays closed: the node reboots into the new config, and
  // nothing else may start before.
  node_.reboot_soon("machine config replaced");
  return grpc::Status::OK;
}

grpc::Status MachineService::GetConfiguration(grpc::ServerContext* context, const v1::GetConfigurationRequest*,
                                              v1::GetConfigurationResponse* response) {
  if (auto s = authorize(*context, "GetConfiguration"); !s.ok()) return s;
  if (node_.config_text.empty()) return failed(grpc::StatusCode::FAILED_PRECONDITION, "this node runs without a machine config");
  response->set_data(node_.config_text);
  return grpc::Status::OK;
}

grpc::Status MachineService::EtcdSnapshot(grpc::ServerContext* context, const v1::EtcdSnapshotRequest*,
                                          grpc::ServerWriter<v1::EtcdSnapshotChunk>* writer) {
  if (auto s = authorize(*context, "EtcdSnapshot"); !s.ok()) return s;
  if (!node_.config || !has_etcd(*node_.config)) {
    return failed(grpc::StatusCode::FAILED_PRECONDITION,
                  "EtcdSnapshot: this node's machine config names no etcd (cluster.etcd.endpoints); ask a control "
                  "plane node whose config does");
  }
  uint64_t sent = 0;
  try {
    auto client = etcd_client_of(*node_.config);
    client->snapshot(
        [&](const std::string& piece) {
          v1::EtcdSnapshotChunk chunk;
          chunk.set_data(piece);
          if (context->IsCancelled() || !writer->Write(chunk)) return false;
          sent += piece.size();
          return true;
        },
        std::chrono::duration_cast<std::chrono::seconds>(kEtcdSnapshotDeadline));
  } catch (const std::exception& e) {
    if (context->IsCancelled()) return failed(grpc::StatusCode::CANCELLED, "the client went away during the etcd snapshot");
    node_.say(std::string("etcd: snapshot failed: ") + e.what());
    return failed(grpc::StatusCode::FAILED_PRECONDITION, std::string("etcd snapshot failed: ") + e.what());
  }
  node_.say("etcd: snapshot of " + std::to_string(sent) + " bytes sent");
  return grpc::Status::OK;
}

}  // namespace bronze::machined
