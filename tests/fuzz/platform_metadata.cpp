// Fuzzes the readers of what a platform's metadata service or config drive
// hands a booting node: OpenStack's meta_data.json and network_data.json,
// cloud-init's network config (Hetzner, NoCloud),
// Equinix Metal's /metadata, NoCloud's meta-data, Azure's ovf-env.xml and
// wireserver goal state, VMware's OVF environment. Only bronze::Error may
// refuse; nothing may crash or read out of bounds.

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/error.h"
#include "node/platform/azure/azure_source.h"
#include "node/platform/digitalocean/digitalocean_network.h"
#include "node/platform/equinix/equinix_network.h"
#include "node/platform/equinix/equinix_source.h"
#include "node/platform/nocloud/nocloud_source.h"
#include "node/platform/cloud_init_network.h"
#include "node/platform/openstack/network_data.h"
#include "node/platform/openstack/openstack_source.h"
#include "node/platform/vmware/vmware_source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  bronze::platform::PlatformConfig config;
  for (auto reader : {&bronze::platform::read_openstack_meta_data, &bronze::platform::read_equinix_metadata}) {
    try {
      reader(text, config);
    } catch (const bronze::Error&) {
    }
  }
  try {
    // Every MAC is a NIC here, so that links, bonds and VLANs are all taken.
    bronze::platform::read_network_data(text, [](const std::string&) { return std::string("eth0"); });
  } catch (const bronze::Error&) {
  }
  try {
    bronze::platform::read_equinix_network(text, [](const std::string&) { return std::string("eth0"); });
  } catch (const bronze::Error&) {
  }
  try {
    bronze::platform::read_digitalocean_network(text, [](const std::string&) { return std::string("eth0"); });
  } catch (const bronze::Error&) {
  }
  try {
    YAML::Node doc = YAML::Load(text);
    bronze::platform::read_cloud_init_network(doc, "network-config", [](const std::string&) { return std::string("eth0"); });
  } catch (const bronze::Error&) {
  } catch (const YAML::Exception&) {
  }
  try {
    bronze::platform::nocloud_hostname(text);
  } catch (const bronze::Error&) {
  }
  try {
    bronze::platform::read_azure_ovf_env(text, config);
  } catch (const bronze::Error&) {
  }
  try {
    bronze::platform::ready_report(bronze::platform::parse_goal_state(text));
  } catch (const bronze::Error&) {
  }
  try {
    bronze::platform::read_vmware_properties(bronze::platform::read_ovf_properties(text), config);
  } catch (const bronze::Error&) {
  }
  return 0;
}
