#include "node/machined/upgrade/etcd_access.h"

#include "base/error.h"

namespace bronze::machined {

bool has_etcd(const config::MachineConfig& config) {
  return config.cluster.etcd && !config.cluster.etcd->endpoints.empty();
}

std::unique_ptr<etcd::Client> etcd_client_of(const config::MachineConfig& config, std::chrono::milliseconds timeout) {
  if (!has_etcd(config)) throw Error("the machine config names no etcd endpoints (cluster.etcd.endpoints)");
  std::optional<etcd::TlsCredentials> tls;
  if (const auto& given = config.cluster.etcd->tls) tls = etcd::TlsCredentials{given->ca, given->crt, given->key};
  return std::make_unique<etcd::Client>(config.cluster.etcd->endpoints, timeout, std::move(tls));
}

}  // namespace bronze::machined
