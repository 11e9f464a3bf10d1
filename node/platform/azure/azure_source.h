// Microsoft Azure: the machine config is the VM's custom data, which the
// platform writes base64-encoded into ovf-env.xml on the provisioning media
// (a UDF DVD attached at first boot); failing that, the user data of the
// instance metadata service (IMDS, asked with `Metadata: true`). The host
// name comes from ovf-env.xml, else IMDS. Once the config is in hand the
// node reports ready to the wireserver (168.63.129.16), as Azure's agent
// protocol requires of a VM that provisions itself: otherwise Azure marks
// its provisioning failed. Talos does the same without WALinuxAgent.
#pragma once

#include <string>

#include "node/platform/config_source.h"

namespace bronze::platform {

class AzureSource : public ConfigSource {
 public:
  std::string name() const override { return "azure"; }
  PlatformConfig fetch(MetadataEnvironment& env) override;
};

// The CustomData (decoded) and HostName of an ovf-env.xml; throws
// bronze::Error when it is not Azure's OVF environment, or its custom data
// is not base64.
void read_azure_ovf_env(const std::string& xml, PlatformConfig& into);

// What the wireserver's goal state names, for the health report.
struct AzureGoalState {
  std::string incarnation;
  std::string container_id;
  std::string instance_id;
};
AzureGoalState parse_goal_state(const std::string& xml);
// The health report that tells Azure the VM is ready.
std::string ready_report(const AzureGoalState& goal);

}  // namespace bronze::platform
