#include "cluster/etcd/endpoint.h"

#include "base/error.h"

namespace bronze::etcd {

std::string grpc_target(const std::string& url) {
  constexpr std::string_view kHttp = "http://";
  constexpr std::string_view kHttps = "https://";
  std::string target = url;
  if (target.starts_with(kHttps)) target.erase(0, kHttps.size());
  else if (target.starts_with(kHttp)) target.erase(0, kHttp.size());
  while (target.ends_with('/')) target.pop_back();
  size_t colon = target.rfind(':');
  bool has_port = colon != std::string::npos && colon > 0 && colon + 1 < target.size() &&
                  target.find_first_not_of("0123456789", colon + 1) == std::string::npos;
  if (!has_port || target.find('/') != std::string::npos) {
    throw Error("etcd endpoint " + url + ": expected http://host:port or https://host:port");
  }
  return target;
}

bool is_https(const std::string& url) { return url.starts_with("https://"); }

}  // namespace bronze::etcd
