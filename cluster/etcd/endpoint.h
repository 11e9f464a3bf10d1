// An etcd client URL as etcd advertises it ("http://10.0.0.2:2379") turned
// into the host:port that gRPC dials.
#pragma once

#include <string>

namespace bronze::etcd {

// "http://host:port", "https://host:port" or a bare "host:port" gives
// "host:port". Throws bronze::Error for anything without a port.
std::string grpc_target(const std::string& url);

// True for an https:// URL: the client talks TLS to it.
bool is_https(const std::string& url);

}  // namespace bronze::etcd
