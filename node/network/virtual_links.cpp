#include "node/network/virtual_links.h"

// glibc's net/if.h before the kernel's headers, which then leave out what
// glibc defined (linux/libc-compat.h).
#include <net/if.h>

#include <linux/if_bonding.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/route/link/bonding.h>
#include <netlink/route/link/vlan.h>

#include "node/network/rtnl.h"

namespace bronze::network {

namespace {

using rtnl::check;

using MessagePtr = std::unique_ptr<nl_msg, rtnl::Deleter<nl_msg, nlmsg_free>>;

// The config's names are the kernel's, listed at the kernel's numbers.
static_assert(config::kBondModes[BOND_MODE_ROUNDROBIN] == "balance-rr" && config::kBondModes[BOND_MODE_8023AD] == "802.3ad" &&
              config::kBondModes[BOND_MODE_ALB] == "balance-alb");
static_assert(config::kBondHashPolicies[BOND_XMIT_POLICY_LAYER34] == "layer3+4" &&
              config::kBondHashPolicies[BOND_XMIT_POLICY_ENCAP34] == "encap3+4");

// The names are checked when the config is read, so a miss here is a bug.
uint8_t bond_mode(const std::string& mode) {
  auto number = config::index_of(config::kBondModes, mode);
  if (!number) throw Error("unknown bond mode " + mode);
  return *number;
}

uint8_t xmit_hash_policy(const std::string& policy) {
  auto number = config::index_of(config::kBondHashPolicies, policy);
  if (!number) throw Error("unknown transmit hash policy " + policy);
  return *number;
}

int ifindex_of(nl_sock* socket, const std::string& name) {
  rtnl_link* raw = nullptr;
  check(rtnl_link_get_kernel(socket, 0, name.c_str(), &raw), "cannot find the link " + name + " just made");
  rtnl::LinkPtr link(raw);
  return rtnl_link_get_ifindex(link.get());
}

void put(int code, const std::string& name) { check(code, "cannot describe the bond " + name); }

}  // namespace

int make_bond(nl_sock* socket, const std::string& name, const config::BondConfig& bond) {
  // libnl 3.7 makes a bond but sets none of its options, so the request is
  // written with libnl's message helpers: IFLA_LINKINFO { kind "bond",
  // IFLA_INFO_DATA { IFLA_BOND_* } }. Without NLM_F_EXCL the same request
  // changes a bond the kernel made already.
  MessagePtr message(nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE));
  if (!message) throw Error("out of memory for a netlink message");
  ifinfomsg header{};
  header.ifi_family = AF_UNSPEC;
  put(nlmsg_append(message.get(), &header, sizeof header, NLMSG_ALIGNTO), name);
  put(nla_put_string(message.get(), IFLA_IFNAME, name.c_str()), name);
  nlattr* info = nla_nest_start(message.get(), IFLA_LINKINFO);
  if (info == nullptr) throw Error("cannot describe the bond " + name);
  put(nla_put_string(message.get(), IFLA_INFO_KIND, "bond"), name);
  nlattr* data = nla_nest_start(message.get(), IFLA_INFO_DATA);
  if (data == nullptr) throw Error("cannot describe the bond " + name);
  put(nla_put_u8(message.get(), IFLA_BOND_MODE, bond_mode(bond.mode)), name);
  if (bond.miimon != 0) put(nla_put_u32(message.get(), IFLA_BOND_MIIMON, bond.miimon), name);
  if (!bond.lacp_rate.empty()) {
    put(nla_put_u8(message.get(), IFLA_BOND_AD_LACP_RATE, bond.lacp_rate == "fast" ? 1 : 0), name);
  }
  if (!bond.xmit_hash_policy.empty()) {
    put(nla_put_u8(message.get(), IFLA_BOND_XMIT_HASH_POLICY, xmit_hash_policy(bond.xmit_hash_policy)), name);
  }
  if (!bond.primary.empty()) {
    // The kernel takes the member by index and keeps its name, so the
    // member must exist (link_config waits for it first).
    put(nla_put_u32(message.get(), IFLA_BOND_PRIMARY, static_cast<uint32_t>(ifindex_of(socket, bond.primary))), name);
  }
  nla_nest_end(message.get(), data);
  nla_nest_end(message.get(), info);
  check(nl_send_auto(socket, message.get()), "cannot ask for the bond " + name);
  check(nl_wait_for_ack(socket), "the kernel refused the bond " + name + " (" + bond.mode + ")");
  return ifindex_of(socket, name);
}

void join_bond(nl_sock* socket, int bond_ifindex, int member_ifindex, const std::string& member) {
  rtnl::LinkPtr current(rtnl_link_alloc());
  rtnl_link_set_ifindex(current.get(), member_ifindex);
  rtnl::LinkPtr down(rtnl_link_alloc());
  rtnl_link_unset_flags(down.get(), IFF_UP);
  check(rtnl_link_change(socket, current.get(), down.get(), 0), "cannot take " + member + " down to join the bond");
  check(rtnl_link_bond_enslave_ifindex(socket, bond_ifindex, member_ifindex), "cannot put " + member + " into the bond");
}

int make_vlan(nl_sock* socket, const std::string& name, int parent_ifindex, uint16_t vlan_id) {
  rtnl::LinkPtr link(rtnl_link_vlan_alloc());
  if (!link) throw Error("out of memory for the VLAN " + name);
  rtnl_link_set_name(link.get(), name.c_str());
  rtnl_link_set_link(link.get(), parent_ifindex);
  check(rtnl_link_vlan_set_id(link.get(), vlan_id), "cannot describe the VLAN " + name);
  check(rtnl_link_add(socket, link.get(), NLM_F_CREATE), "the kernel refused the VLAN " + name);
  return ifindex_of(socket, name);
}

}  // namespace bronze::network
