// /etc/resolv.conf on a node. The root filesystem is read-only, so
// /etc/resolv.conf links to /run/resolv.conf, which machined writes at every
// boot from the first of: the machine config's nameservers, the platform's
// metadata, the kernel's DHCP answer (/proc/net/pnp).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace bronze::network {

inline constexpr const char* kResolvConf = "/run/resolv.conf";
inline constexpr const char* kKernelDhcpAnswer = "/proc/net/pnp";

struct ResolverSettings {
  std::vector<std::string> nameservers;
  std::vector<std::string> search;
  std::string source;  // where they came from, for the log
};

// The nameserver and domain lines of /proc/net/pnp (the kernel's ip=dhcp
// answer, written in resolv.conf's own format plus lines of its own).
ResolverSettings resolvers_from_kernel_dhcp(std::string_view pnp);

// The first that names a nameserver: the config's, the platform's, DHCP's.
// Search domains come from the config, else from DHCP's domain.
ResolverSettings choose_resolvers(const std::vector<std::string>& config_nameservers,
                                  const std::vector<std::string>& config_search,
                                  const std::vector<std::string>& platform_nameservers, const ResolverSettings& dhcp);

std::string render_resolv_conf(const ResolverSettings& settings);

// Written through a staged name and a rename, so that a reader sees the old
// file or the new one, never half of one.
void write_resolv_conf(const std::filesystem::path& path, const ResolverSettings& settings);

}  // namespace bronze::network
