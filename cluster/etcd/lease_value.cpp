#include "cluster/etcd/lease_value.h"

#include <limits>

#include <nlohmann/json.hpp>

namespace bronze::etcd {

std::string encode_lease_holder(const LeaseHolder& holder) {
  return nlohmann::json{{"node", holder.node}, {"lease", holder.lease}}.dump();
}

std::optional<LeaseHolder> parse_lease_holder(std::string_view value) {
  nlohmann::json json = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return std::nullopt;
  auto node = json.find("node");
  auto lease = json.find("lease");
  if (node == json.end() || !node->is_string() || lease == json.end() || !lease->is_number_integer()) {
    return std::nullopt;
  }
  // Positive numbers parse as unsigned: one past int64's range is no lease id.
  if (lease->is_number_unsigned() && lease->get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max())) {
    return std::nullopt;
  }
  LeaseHolder holder{node->get<std::string>(), lease->get<int64_t>()};
  if (holder.node.empty()) return std::nullopt;
  return holder;
}

}  // namespace bronze::etcd
