#include "node/platform/config_source.h"

#include "base/error.h"
#include "node/platform/aws/aws_source.h"
#include "node/platform/azure/azure_source.h"
#include "node/platform/config_url/config_url_source.h"
#include "node/platform/digitalocean/digitalocean_source.h"
#include "node/platform/equinix/equinix_source.h"
#include "node/platform/gcp/gcp_source.h"
#include "node/platform/hcloud/hcloud_source.h"
#include "node/platform/nocloud/nocloud_source.h"
#include "node/platform/openstack/openstack_source.h"
#include "node/platform/vmware/vmware_source.h"

namespace bronze::platform {

std::unique_ptr<ConfigSource> source_for(const std::string& platform, const std::string& config_url) {
  if (!config_url.empty()) return std::make_unique<ConfigUrlSource>(config_url);
  if (platform == "aws") return std::make_unique<AwsSource>();
  if (platform == "gcp") return std::make_unique<GcpSource>();
  if (platform == "openstack") return std::make_unique<OpenStackSource>();
  if (platform == "digitalocean") return std::make_unique<DigitalOceanSource>();
  if (platform == "hcloud") return std::make_unique<HcloudSource>();
  if (platform == "equinix") return std::make_unique<EquinixSource>();
  if (platform == "azure") return std::make_unique<AzureSource>();
  if (platform == "vmware") return std::make_unique<VmwareSource>();
  if (platform == "metal" || platform == "qemu") return std::make_unique<NoCloudSource>();
  return nullptr;
}

std::string require_ok(const HttpAnswer& answer, const std::string& what) {
  if (answer.status == 200) return answer.body;
  if (answer.status == 404) throw NotAvailable(what + " is not there (404)");
  throw Error(what + ": the platform answered HTTP " + std::to_string(answer.status));
}

void adopt_network(MetadataNetwork network, const std::string& document, MetadataEnvironment& env, PlatformConfig& into) {
  for (const auto& line : network.skipped) env.say("platform: " + document + ": left out " + line);
  into.interfaces = std::move(network.interfaces);
  into.dns_servers = std::move(network.dns_servers);
}

}  // namespace bronze::platform
