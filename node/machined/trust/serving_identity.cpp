#include "node/machined/trust/serving_identity.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <algorithm>
#include <chrono>

namespace bronze::machined {

namespace {

std::vector<std::string> interface_addresses() {
  std::vector<std::string> out;
  struct ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  for (auto* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr) continue;
    char text[INET6_ADDRSTRLEN] = {};
    if (a->ifa_addr->sa_family == AF_INET) {
      ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, text, sizeof text);
    } else if (a->ifa_addr->sa_family == AF_INET6) {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(a->ifa_addr);
      if (IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr)) continue;  // scoped: no use in a certificate
      ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    } else {
      continue;
    }
    out.emplace_back(text);
  }
  ::freeifaddrs(list);
  return out;
}

}  // namespace

std::vector<std::string> serving_names(const std::string& hostname, const std::vector<std::string>& cert_sans) {
  std::vector<std::string> names = {"127.0.0.1", "::1", "localhost"};
  if (!hostname.empty()) names.push_back(hostname);
  for (const auto& a : interface_addresses()) names.push_back(a);
  names.insert(names.end(), cert_sans.begin(), cert_sans.end());
  std::vector<std::string> unique;
  for (const auto& n : names) {
    if (std::find(unique.begin(), unique.end(), n) == unique.end()) unique.push_back(n);
  }
  return unique;
}

config::CertificateAndKey make_serving_identity(const config::CertificateAuthority& ca, const std::string& hostname,
                                                const std::vector<std::string>& cert_sans) {
  // A year: it is made again at every boot.
  auto validity = config::valid_for(std::chrono::hours(24 * 365));
  return config::issue_server_certificate(ca, hostname.empty() ? "bronze-node" : hostname,
                                          serving_names(hostname, cert_sans), validity);
}

}  // namespace bronze::machined
