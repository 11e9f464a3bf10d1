// The upgrade lease key's value: which node holds it, under which etcd
// lease. JSON, so that an operator reading the key with etcdctl sees it:
//   {"node":"cp-1","lease":7587869402830186003}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bronze::etcd {

struct LeaseHolder {
  std::string node;
  int64_t lease = 0;

  bool operator==(const LeaseHolder&) const = default;
};

std::string encode_lease_holder(const LeaseHolder& holder);
// nullopt for anything that is not such an object with a non-empty node
// name (a value some other tool put there).
std::optional<LeaseHolder> parse_lease_holder(std::string_view value);

}  // namespace bronze::etcd
