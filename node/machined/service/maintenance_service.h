// The node API in maintenance mode (api/machine.proto, docs/DESIGN.md
// decision 14): a node without a
// machine config answers Version and ApplyConfiguration and refuses the
// rest, naming what to do. There is no CA to check clients against yet, so
// the server asks for no client certificate (like Talos's maintenance API).
// Clients check the node by its certificate's fingerprint, which it prints
// on the console; with a maintenance token set (NodeContext), a config is
// taken only from a caller who shows it, else from whoever comes first.
#pragma once

#include <filesystem>
#include <optional>

#include "api/machine.grpc.pb.h"
#include "node/machined/node_context.h"
#include "node/machined/upgrade/upgrade_job.h"

namespace bronze::machined {

namespace v1 = bronze::machine::v1alpha1;

class MaintenanceService final : public v1::MachineService::Service {
 public:
  // `install_template`: the live ISO's installation template; none on a node
  // booted from its disk.
  MaintenanceService(NodeContext& node, std::optional<std::filesystem::path> install_template)
      : node_(node), install_template_(std::move(install_template)) {}

  grpc::Status Version(grpc::ServerContext* context, const v1::VersionRequest* request,
                       v1::VersionResponse* response) override;
  grpc::Status ApplyConfiguration(grpc::ServerContext* context, const v1::ApplyConfigurationRequest* request,
                                  v1::ApplyConfigurationResponse* response) override;

  grpc::Status Status(grpc::ServerContext* context, const v1::StatusRequest* request,
                      v1::StatusResponse* response) override;
  grpc::Status Upgrade(grpc::ServerContext* context,
                       grpc::ServerReaderWriter<v1::UpgradeEvent, v1::UpgradeRequest>* stream) override;
  grpc::Status Rollback(grpc::ServerContext* context, const v1::RollbackRequest* request,
                        v1::RollbackResponse* response) override;
  grpc::Status Reboot(grpc::ServerContext* context, const v1::RebootRequest* request,
                      v1::RebootResponse* response) override;
  grpc::Status Logs(grpc::ServerContext* context, const v1::LogsRequest* request,
                    grpc::ServerWriter<v1::LogEntry>* writer) override;
  grpc::Status GetConfiguration(grpc::ServerContext* context, const v1::GetConfigurationRequest* request,
                                v1::GetConfigurationResponse* response) override;
  grpc::Status EtcdSnapshot(grpc::ServerContext* context, const v1::EtcdSnapshotRequest* request,
                            grpc::ServerWriter<v1::EtcdSnapshotChunk>* writer) override;

 private:
  NodeContext& node_;
  std::optional<std::filesystem::path> install_template_;
  UpgradeGate gate_;  // one config applied at a time, and once
  bool applied_ = false;
};

}  // namespace bronze::machined
