#include "node/machined/upgrade/registry_endpoints.h"

namespace bronze::machined {

namespace {

void apply_host_config(registry::Endpoint& endpoint, const config::RegistriesConfig& registries) {
  auto it = registries.config.find(endpoint.host());
  if (it == registries.config.end()) return;
  if (it->second.auth) endpoint.login = registry::RegistryLogin{it->second.auth->username, it->second.auth->password};
  endpoint.ca_pem = it->second.ca;
}

}  // namespace

std::vector<registry::Endpoint> registry_endpoints(const registry::Reference& ref,
                                                   const config::RegistriesConfig& registries, bool plain_http) {
  std::vector<registry::Endpoint> endpoints;
  bool fallback = true;
  auto mirror = registries.mirrors.find(ref.registry);
  if (mirror == registries.mirrors.end()) mirror = registries.mirrors.find("*");
  if (mirror != registries.mirrors.end()) {
    for (const auto& url : mirror->second.endpoints) {
      registry::Endpoint endpoint;
      endpoint.url = url;
      endpoint.mirror = true;
      apply_host_config(endpoint, registries);
      endpoints.push_back(std::move(endpoint));
    }
    fallback = !mirror->second.skip_fallback;
  }
  if (fallback) {
    registry::Endpoint upstream = registry::upstream_endpoint(ref, plain_http);
    apply_host_config(upstream, registries);
    endpoints.push_back(std::move(upstream));
  }
  return endpoints;
}

}  // namespace bronze::machined
