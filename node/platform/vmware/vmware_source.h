// VMware vSphere: the machine config is an OVF property of the VM, set in
// its vApp options: `bronze.config` (as Talos has `talos.config`), or
// `user-data` as cloud-init reads it, base64 either way; `hostname` too.
// vSphere hands the OVF environment over with the "ISO image" transport:
// ovf-env.xml on a CD attached to the VM. (The VMware Tools transport,
// guestinfo.ovfEnv, needs VMware's backdoor I/O port, which QEMU does not
// emulate for guest RPC; it is not read yet.)
#pragma once

#include <map>
#include <string>

#include "node/platform/config_source.h"

namespace bronze::platform {

class VmwareSource : public ConfigSource {
 public:
  std::string name() const override { return "vmware"; }
  PlatformConfig fetch(MetadataEnvironment& env) override;
};

// The PropertySection of an OVF environment document, key -> value;
// throws bronze::Error when it is not one.
std::map<std::string, std::string> read_ovf_properties(const std::string& xml);

// The machine config and host name the properties give; throws
// bronze::Error when a config property is not base64.
void read_vmware_properties(const std::map<std::string, std::string>& properties, PlatformConfig& into);

}  // namespace bronze::platform
