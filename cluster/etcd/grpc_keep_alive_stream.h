// Inside the client: KeepAliveStream over etcd's bidirectional
// Lease.LeaseKeepAlive call.
#pragma once

#include <chrono>
#include <memory>

#include "cluster/etcd/grpc_channels.h"
#include "cluster/etcd/keep_alive_stream.h"

namespace bronze::etcd {

// Opens the stream to the preferred endpoint; a renewal that fails marks
// that endpoint failed so the next stream goes to another.
std::unique_ptr<KeepAliveStream> open_grpc_keep_alive_stream(GrpcChannels& channels,
                                                              std::chrono::milliseconds lifetime);

}  // namespace bronze::etcd
