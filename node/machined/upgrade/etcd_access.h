// The etcd client a machine config describes: cluster.etcd's endpoints, and
// over TLS with its CA and client certificate when cluster.etcd.tls is set.
// Every etcd call machined makes (the upgrade's cluster steps, the etcd
// snapshot) goes through one of these.
#pragma once

#include <chrono>
#include <memory>

#include "cluster/etcd/client.h"
#include "machine_config/machine_config.h"

namespace bronze::machined {

// True when the config names etcd endpoints.
bool has_etcd(const config::MachineConfig& config);

// Throws bronze::Error when the config names no etcd endpoints.
std::unique_ptr<etcd::Client> etcd_client_of(const config::MachineConfig& config,
                                             std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace bronze::machined
