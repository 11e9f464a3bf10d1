// Where the node fetches an image reference from, by machine.registries
// (machine_config/registries_config.h): the mirrors of the reference's
// registry (or of "*") in order, then the registry itself unless the mirror
// entry says skipFallback; each with the login and CA that
// machine.registries.config gives its host. As containerd and Talos read
// the same section.
#pragma once

#include <vector>

#include "machine_config/registries_config.h"
#include "registry/endpoint.h"
#include "registry/reference.h"

namespace bronze::machined {

// `plain_http` (bronzectl upgrade --insecure) applies to the registry
// itself; a mirror's scheme is in its URL.
std::vector<registry::Endpoint> registry_endpoints(const registry::Reference& ref,
                                                   const config::RegistriesConfig& registries, bool plain_http);

}  // namespace bronze::machined
