#include "node/machined/service/maintenance_service.h"

#include "node/machined/service/machine_service.h"
#include "node/machined/state/apply_config.h"

namespace bronze::machined {

namespace {

// Upgrades, rollbacks, status and logs wait for a configured node.
grpc::Status refused_in_maintenance(const std::string& call) {
  return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                      call + ": the node is in maintenance mode (it has no machine config); apply one first with "
                             "`bronzectl apply-config --insecure -n NODE --file CONFIG.yaml`");
}

}  // namespace

grpc::Status MaintenanceService::Version(grpc::ServerContext*, const v1::VersionRequest*, v1::VersionResponse* response) {
  describe_version(node_, response);
  return grpc::Status::OK;
}

grpc::Status MaintenanceService::ApplyConfiguration(grpc::ServerContext* context,
                                                    const v1::ApplyConfigurationRequest* request,
                                                    v1::ApplyConfigurationResponse* response) {
  node_.say("machined: ApplyConfiguration from " + context->peer());
  if (auto s = check_maintenance_token(node_.maintenance_token, *context, "ApplyConfiguration"); !s.ok()) {
    node_.say("machined: ApplyConfiguration from " + context->peer() + " refused: " + s.error_message());
    return s;
  }
  std::string holder;
  if (!gate_.try_enter("apply-config", holder)) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "a machine config is being applied to this node already; wait for it to end");
  }
  struct Leave {
    UpgradeGate& gate;
    ~Leave() { gate.leave(); }
  } leave{gate_};
  if (applied_) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "a machine config was applied already; the node is rebooting");
  }
  try {
    AppliedConfig applied = apply_machine_config(node_, request->data(), install_template_);
    applied_ = true;
    response->set_installed(applied.installed);
    response->set_disk(applied.disk);
    response->set_version(applied.version);
    response->set_disk_size(applied.disk_size);
    response->set_bytes_written(applied.bytes_written);
  } catch (const BadConfig& e) {
    node_.say(std::string("machined: machine config refused: ") + e.what());
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, e.what());
  } catch (const std::exception& e) {
    node_.say(std::string("machined: applying the machine config failed: ") + e.what());
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, e.what());
  }
  node_.reboot_soon(response->installed() ? "installed to " + response->disk() : "machine config applied");
  return grpc::Status::OK;
}

grpc::Status MaintenanceService::Status(grpc::ServerContext*, const v1::StatusRequest*, v1::StatusResponse*) {
  return refused_in_maintenance("Status");
}

grpc::Status MaintenanceService::Upgrade(grpc::ServerContext*,
                                         grpc::ServerReaderWriter<v1::UpgradeEvent, v1::UpgradeRequest>*) {
  return refused_in_maintenance("Upgrade");
}

grpc::Status MaintenanceService::Rollback(grpc::ServerContext*, const v1::RollbackRequest*, v1::RollbackResponse*) {
  return refused_in_maintenance("Rollback");
}

grpc::Status MaintenanceService::Reboot(grpc::ServerContext*, const v1::RebootRequest*, v1::RebootResponse*) {
  return refused_in_maintenance("Reboot");
}

grpc::Status MaintenanceService::Logs(grpc::ServerContext*, const v1::LogsRequest*, grpc::ServerWriter<v1::LogEntry>*) {
  return refused_in_maintenance("Logs");
}

grpc::Status MaintenanceService::GetConfiguration(grpc::ServerContext*, const v1::GetConfigurationRequest*,
                                                  v1::GetConfigurationResponse*) {
  return refused_in_maintenance("GetConfiguration");
}

grpc::Status MaintenanceService::EtcdSnapshot(grpc::ServerContext*, const v1::EtcdSnapshotRequest*,
                                              grpc::ServerWriter<v1::EtcdSnapshotChunk>*) {
  return refused_in_maintenance("EtcdSnapshot");
}

}  // namespace bronze::machined
