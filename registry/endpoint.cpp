#include "registry/endpoint.h"

#include "http/http_client.h"

namespace bronze::registry {

std::string Endpoint::host() const { return http::url_host(url); }

Endpoint upstream_endpoint(const Reference& ref, bool plain_http) {
  Endpoint endpoint;
  endpoint.url = (plain_http ? "http://" : "https://") + ref.registry;
  return endpoint;
}

}  // namespace bronze::registry
