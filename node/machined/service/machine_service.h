// The node API (api/machine.proto) as machined serves it.
#pragma once

#include "api/machine.grpc.pb.h"
#include "node/machined/node_context.h"
#include "node/machined/upgrade/cluster_guard.h"
#include "node/machined/upgrade/upgrade_job.h"

namespace bronze::machined {

namespace v1 = bronze::machine::v1alpha1;

// What Version answers, in both modes.
void describe_version(const NodeContext& node, v1::VersionResponse* response);

class MachineService final : public v1::MachineService::Service {
 public:
  explicit MachineService(NodeContext& node) : node_(node) {}

  grpc::Status Version(grpc::ServerContext* context, const v1::VersionRequest* request,
                       v1::VersionResponse* response) override;
  grpc::Status Status(grpc::ServerContext* context, const v1::StatusRequest* request,
                      v1::StatusResponse* response) override;
  grpc::Status Verify(grpc::ServerContext* context, const v1::VerifyRequest* request, v1::VerifyResponse* response) override;
  grpc::Status Upgrade(grpc::ServerContext* context,
                       grpc::ServerReaderWriter<v1::UpgradeEvent, v1::UpgradeRequest>* stream) override;
  grpc::Status Rollback(grpc::ServerContext* context, const v1::RollbackRequest* request,
                        v1::RollbackResponse* response) override;
  grpc::Status Reboot(grpc::ServerContext* context, const v1::RebootRequest* request,
                      v1::RebootResponse* response) override;
  grpc::Status Logs(grpc::ServerContext* context, const v1::LogsRequest* request,
                    grpc::ServerWriter<v1::LogEntry>* writer) override;
  grpc::Status ApplyConfiguration(grpc::ServerContext* context, const v1::ApplyConfigurationRequest* request,
                                  v1::ApplyConfigurationResponse* response) override;
  grpc::Status GetConfiguration(grpc::ServerContext* context, const v1::GetConfigurationRequest* request,
                                v1::GetConfigurationResponse* response) override;
  grpc::Status EtcdSnapshot(grpc::ServerContext* context, const v1::EtcdSnapshotRequest* request,
                            grpc::ServerWriter<v1::EtcdSnapshotChunk>* writer) override;

 private:
  // Receives the streamed image into `path`; false when the client went away.
  grpc::Status receive_image(grpc::ServerContext* context,
                             grpc::ServerReaderWriter<v1::UpgradeEvent, v1::UpgradeRequest>* stream,
                             const v1::UpgradeOptions& options, const std::filesystem::path& path);

  NodeContext& node_;
  UpgradeGate gate_;
  // The cluster steps of the last upgrade that wrote its slot: the lease it
  // keeps alive until the reboot.
  std::unique_ptr<ClusterGuard> held_;
};

}  // namespace bronze::machined
