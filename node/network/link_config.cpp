#include "node/network/link_config.h"

#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/route/nexthop.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "node/network/dhcp_client.h"
#include "node/network/rtnl.h"
#include "node/network/virtual_links.h"

namespace bronze::network {

namespace {

using rtnl::AddrPtr;
using rtnl::CachePtr;
using rtnl::check;
using rtnl::LinkPtr;
using rtnl::NlAddrPtr;
using rtnl::RoutePtr;
using rtnl::SocketPtr;

NlAddrPtr parse_address(const std::string& text) {
  nl_addr* parsed = nullptr;
  check(nl_addr_parse(text.c_str(), AF_UNSPEC, &parsed), "cannot read " + text);
  return NlAddrPtr(parsed);
}

std::string address_text(nl_addr* address) {
  char text[128];
  return address == nullptr ? "?" : nl_addr2str(address, text, sizeof text);
}

LinkPtr wait_for_link(nl_sock* socket, const std::string& name, std::chrono::seconds wait,
                      const std::function<void()>& tick) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    rtnl_link* link = nullptr;
    int got = rtnl_link_get_kernel(socket, 0, name.c_str(), &link);
    if (got >= 0 && link != nullptr) return LinkPtr(link);
    if (std::chrono::steady_clock::now() >= deadline) {
      throw Error("no interface named " + name + " appeared within " + std::to_string(wait.count()) +
                  " s (check machine.network.interfaces against the node's NICs)");
    }
    if (tick) tick();
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

// The IPv4 addresses the kernel's DHCP (or anything before us) put on the
// link. IPv6 is left to the kernel: its link-local address and what router
// advertisements give come back on their own, and were never DHCP's.
std::vector<std::string> flush_addresses(nl_sock* socket, int ifindex) {
  nl_cache* raw = nullptr;
  check(rtnl_addr_alloc_cache(socket, &raw), "cannot list the addresses");
  CachePtr cache(raw);
  std::vector<rtnl_addr*> doomed;
  for (nl_object* object = nl_cache_get_first(cache.get()); object; object = nl_cache_get_next(object)) {
    auto* addr = reinterpret_cast<rtnl_addr*>(object);
    if (rtnl_addr_get_ifindex(addr) != ifindex || rtnl_addr_get_family(addr) != AF_INET) continue;
    doomed.push_back(addr);
  }
  std::vector<std::string> removed;
  for (auto* addr : doomed) {
    std::string text = address_text(rtnl_addr_get_local(addr));
    check(rtnl_addr_delete(socket, addr, 0), "cannot remove the address " + text);
    removed.push_back(text);
  }
  return removed;
}

// IPv4 routes through the link that someone added (the kernel's DHCP
// default route among them); the kernel's own prefix routes go with the
// addresses.
std::vector<std::string> flush_routes(nl_sock* socket, int ifindex) {
  nl_cache* raw = nullptr;
  check(rtnl_route_alloc_cache(socket, AF_INET, 0, &raw), "cannot list the routes");
  CachePtr cache(raw);
  std::vector<rtnl_route*> doomed;
  for (nl_object* object = nl_cache_get_first(cache.get()); object; object = nl_cache_get_next(object)) {
    auto* route = reinterpret_cast<rtnl_route*>(object);
    if (rtnl_route_get_table(route) != RT_TABLE_MAIN || rtnl_route_get_protocol(route) == RTPROT_KERNEL) continue;
    if (rtnl_route_get_nnexthops(route) < 1) continue;
    if (rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(route, 0)) != ifindex) continue;
    doomed.push_back(route);
  }
  std::vector<std::string> removed;
  for (auto* route : doomed) {
    nl_addr* destination = rtnl_route_get_dst(route);
    std::string text = "the route to " + (destination == nullptr || nl_addr_get_prefixlen(destination) == 0
                                               ? std::string("anywhere (default)")
                                               : address_text(destination));
    check(rtnl_route_delete(socket, route, 0), "cannot remove " + text);
    removed.push_back(text);
  }
  return removed;
}

bool has_ipv4_address(nl_sock* socket, int ifindex) {
  nl_cache* raw = nullptr;
  check(rtnl_addr_alloc_cache(socket, &raw), "cannot list the addresses");
  CachePtr cache(raw);
  for (nl_object* object = nl_cache_get_first(cache.get()); object; object = nl_cache_get_next(object)) {
    auto* addr = reinterpret_cast<rtnl_addr*>(object);
    if (rtnl_addr_get_ifindex(addr) == ifindex && rtnl_addr_get_family(addr) == AF_INET) return true;
  }
  return false;
}

void add_address(nl_sock* socket, int ifindex, const std::string& prefix) {
  AddrPtr addr(rtnl_addr_alloc());
  auto local = parse_address(prefix);
  rtnl_addr_set_ifindex(addr.get(), ifindex);
  rtnl_addr_set_family(addr.get(), nl_addr_get_family(local.get()));
  check(rtnl_addr_set_local(addr.get(), local.get()), "cannot use " + prefix);
  rtnl_addr_set_prefixlen(addr.get(), static_cast<int>(nl_addr_get_prefixlen(local.get())));
  int added = rtnl_addr_add(socket, addr.get(), NLM_F_REPLACE);
  if (added == -NLE_EXIST) return;
  check(added, "cannot add the address " + prefix);
}

void add_route(nl_sock* socket, int ifindex, const config::RouteConfig& config) {
  RoutePtr route(rtnl_route_alloc());
  auto destination = parse_address(config.network);
  check(rtnl_route_set_family(route.get(), static_cast<uint8_t>(nl_addr_get_family(destination.get()))),
        "cannot route " + config.network);
  check(rtnl_route_set_dst(route.get(), destination.get()), "cannot route " + config.network);
  rtnl_route_set_table(route.get(), RT_TABLE_MAIN);
  rtnl_route_set_protocol(route.get(), RTPROT_STATIC);
  rtnl_route_set_scope(route.get(), config.gateway.empty() ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE);
  if (config.metric != 0) rtnl_route_set_priority(route.get(), config.metric);
  rtnl_nexthop* hop = rtnl_route_nh_alloc();
  rtnl_route_nh_set_ifindex(hop, ifindex);
  if (!config.gateway.empty()) {
    auto gateway = parse_address(config.gateway);
    rtnl_route_nh_set_gateway(hop, gateway.get());  // takes its own reference
  }
  rtnl_route_add_nexthop(route.get(), hop);  // the route owns it now
  check(rtnl_route_add(socket, route.get(), NLM_F_REPLACE),
        "cannot add the route to " + config.network + (config.gateway.empty() ? "" : " via " + config.gateway));
}

std::string describe_route(const std::string& name, const config::RouteConfig& route) {
  return "network: " + name + ": route " + route.network + (route.gateway.empty() ? " on the link" : " via " + route.gateway) +
         (route.metric ? " metric " + std::to_string(route.metric) : "");
}

// What the kernel's DHCP (or anything before us) put on the link, removed;
// the removed things' names, for the log.
std::vector<std::string> flush_ipv4(nl_sock* socket, int ifindex) {
  auto removed = flush_routes(socket, ifindex);
  auto addresses = flush_addresses(socket, ifindex);
  removed.insert(removed.begin(), addresses.begin(), addresses.end());
  return removed;
}

std::string removed_note(const std::vector<std::string>& removed) {
  if (removed.empty()) return "";
  std::string note = " (removed what the kernel's DHCP had set:";
  for (size_t i = 0; i < removed.size(); ++i) note += (i ? ", " : " ") + removed[i];
  return note + ")";
}

// How long the boot waits for a DHCP lease on an interface the kernel's
// DHCP did not serve.
constexpr auto kDhcpTimeout = std::chrono::seconds(30);
// A route through a DHCP router: above the static routes' default metric,
// so that a config's own default route wins.
constexpr uint32_t kDhcpRouteMetric = 1024;

std::array<uint8_t, 6> hardware_address(rtnl_link* link, const std::string& name) {
  nl_addr* address = rtnl_link_get_addr(link);
  if (address == nullptr || nl_addr_get_len(address) != 6) throw Error(name + " has no Ethernet address to ask DHCP with");
  std::array<uint8_t, 6> mac{};
  std::memcpy(mac.data(), nl_addr_get_binary_addr(address), 6);
  return mac;
}

std::string lease_prefix(const DhcpLease& lease) { return ipv4_text(lease.address) + "/" + std::to_string(lease.prefix_length); }

void apply_lease(nl_sock* socket, int ifindex, const DhcpLease& lease) {
  add_address(socket, ifindex, lease_prefix(lease));
  if (!lease.routers.empty()) add_route(socket, ifindex, {"0.0.0.0/0", ipv4_text(lease.routers.front()), kDhcpRouteMetric});
}

std::string describe_lease(const DhcpLease& lease) {
  std::string text = lease_prefix(lease) + " from " + ipv4_text(lease.server);
  if (!lease.routers.empty()) text += ", router " + ipv4_text(lease.routers.front());
  text += lease.lease_seconds == 0xffffffffu ? ", for ever" : ", for " + std::to_string(lease.lease_seconds) + " s";
  return text;
}

// Renews at half the lease, for as long as the node runs (machined is PID
// 1 and never returns); a failed renewal is retried a minute later.
void keep_lease(std::string name, int ifindex, std::array<uint8_t, 6> mac, DhcpLease lease,
                std::function<void(const std::string&)> say) {
  if (lease.lease_seconds == 0xffffffffu || lease.lease_seconds == 0) return;
  std::thread([name, ifindex, mac, lease, say] {
    auto wait = std::chrono::seconds(std::max<uint32_t>(lease.lease_seconds / 2, 30));
    while (true) {
      std::this_thread::sleep_for(wait);
      try {
        auto renewed = acquire_lease(name, mac, kDhcpTimeout, {});
        SocketPtr socket(nl_socket_alloc());
        if (!socket) throw Error("cannot allocate a netlink socket");
        check(nl_connect(socket.get(), NETLINK_ROUTE), "cannot open rtnetlink");
        apply_lease(socket.get(), ifindex, renewed);
        if (say) say("network: " + name + ": DHCP lease renewed: " + describe_lease(renewed));
        wait = std::chrono::seconds(std::max<uint32_t>(renewed.lease_seconds / 2, 30));
      } catch (const std::exception& e) {
        if (say) say("network: " + name + ": DHCP renewal failed (" + e.what() + "); trying again in 60 s");
        wait = std::chrono::seconds(60);
      }
    }
  }).detach();
}

// What any link gets, found or made: up with its MTU, DHCP (the kernel's
// answer kept, else our own client's lease) or what the kernel's DHCP left
// removed, the static addresses, the routes. `line` starts the log line
// ("network: eth0:").
void configure_link(nl_sock* socket, const std::string& name, rtnl_link* link, uint32_t mtu, bool dhcp,
                    const std::vector<std::string>& addresses, const std::vector<config::RouteConfig>& routes,
                    std::string line, const std::function<void()>& tick, const std::function<void(const std::string&)>& say,
                    LinkReport& report) {
  int ifindex = rtnl_link_get_ifindex(link);
  LinkPtr change(rtnl_link_alloc());
  rtnl_link_set_flags(change.get(), IFF_UP);
  if (mtu != 0) rtnl_link_set_mtu(change.get(), mtu);
  check(rtnl_link_change(socket, link, change.get(), 0), "cannot bring " + name + " up");
  line += " up" + (mtu ? ", mtu " + std::to_string(mtu) : "");
  if (dhcp && has_ipv4_address(socket, ifindex)) {
    line += ", DHCP (the kernel's answer kept)";
  } else if (dhcp) {
    auto mac = hardware_address(link, name);
    DhcpLease lease = acquire_lease(name, mac, kDhcpTimeout, tick);
    apply_lease(socket, ifindex, lease);
    for (const auto& server : lease.dns_servers) report.dhcp_nameservers.push_back(ipv4_text(server));
    for (const auto& server : lease.ntp_servers) report.dhcp_ntp_servers.push_back(ipv4_text(server));
    line += ", DHCP " + describe_lease(lease);
    keep_lease(name, ifindex, mac, lease, say);
  } else {
    line += ", no DHCP" + removed_note(flush_ipv4(socket, ifindex));
  }
  for (const auto& prefix : addresses) {
    add_address(socket, ifindex, prefix);
    line += ", " + prefix;
  }
  report.done.push_back(line);
  for (const auto& route : routes) {
    add_route(socket, ifindex, route);
    report.done.push_back(describe_route(name, route));
  }
}

std::string bond_options(const config::BondConfig& bond) {
  std::string text = bond.mode;
  if (bond.miimon) text += ", miimon " + std::to_string(bond.miimon) + " ms";
  if (!bond.lacp_rate.empty()) text += ", lacp rate " + bond.lacp_rate;
  if (!bond.xmit_hash_policy.empty()) text += ", hash " + bond.xmit_hash_policy;
  if (!bond.primary.empty()) text += ", primary " + bond.primary;
  return text;
}

// The bond made and its members in it; the bond's link.
LinkPtr assemble_bond(nl_sock* socket, const config::InterfaceConfig& interface, std::chrono::seconds wait,
                      const std::function<void()>& tick, LinkReport& report) {
  const std::string& name = interface.interface;
  const auto& bond = *interface.bond;
  // Every member first: a missing NIC fails the bond before it exists.
  std::vector<LinkPtr> members;
  for (const auto& member : bond.interfaces) members.push_back(wait_for_link(socket, member, wait, tick));
  int bond_ifindex = make_bond(socket, name, bond);
  std::string names;
  for (size_t i = 0; i < members.size(); ++i) {
    int member_ifindex = rtnl_link_get_ifindex(members[i].get());
    // A member carries no address of its own; the kernel's DHCP may have
    // given it one.
    auto removed = flush_ipv4(socket, member_ifindex);
    join_bond(socket, bond_ifindex, member_ifindex, bond.interfaces[i]);
    report.done.push_back("network: " + bond.interfaces[i] + ": joined " + name + removed_note(removed));
    names += (i ? ", " : "") + bond.interfaces[i];
  }
  report.done.push_back("network: " + name + ": bond of " + names + " (" + bond_options(bond) + ")");
  return wait_for_link(socket, name, wait, tick);
}

void configure_one(nl_sock* socket, const config::InterfaceConfig& interface, std::chrono::seconds wait,
                   const std::function<void()>& tick, const std::function<void(const std::string&)>& say,
                   LinkReport& report) {
  const std::string& name = interface.interface;
  auto link = interface.bond ? assemble_bond(socket, interface, wait, tick, report) : wait_for_link(socket, name, wait, tick);
  configure_link(socket, name, link.get(), interface.mtu, interface.dhcp, interface.addresses, interface.routes,
                 "network: " + name + ":", tick, say, report);
  int parent = rtnl_link_get_ifindex(link.get());
  for (const auto& vlan : interface.vlans) {
    std::string vlan_name = config::vlan_link_name(name, vlan.vlan_id);
    try {
      make_vlan(socket, vlan_name, parent, vlan.vlan_id);
      auto vlan_link = wait_for_link(socket, vlan_name, wait, tick);
      configure_link(socket, vlan_name, vlan_link.get(), vlan.mtu, vlan.dhcp, vlan.addresses, vlan.routes,
                     "network: " + vlan_name + ": VLAN " + std::to_string(vlan.vlan_id) + " on " + name + ",", tick, say,
                     report);
    } catch (const Error& e) {
      report.problems.push_back("network: " + vlan_name + ": " + e.what());
    }
  }
}

}  // namespace

LinkReport configure_interfaces(const std::vector<config::InterfaceConfig>& interfaces,
                                std::chrono::seconds wait_for_links, const std::function<void()>& tick,
                                const std::function<void(const std::string&)>& say) {
  LinkReport report;
  if (interfaces.empty()) return report;
  SocketPtr socket(nl_socket_alloc());
  if (!socket) throw Error("cannot allocate a netlink socket");
  check(nl_connect(socket.get(), NETLINK_ROUTE), "cannot open rtnetlink");
  for (const auto& interface : interfaces) {
    try {
      configure_one(socket.get(), interface, wait_for_links, tick, say, report);
    } catch (const Error& e) {
      report.problems.push_back("network: " + interface.interface + ": " + e.what());
    }
  }
  return report;
}

}  // namespace bronze::network
