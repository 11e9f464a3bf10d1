#include "cluster/etcd/types.h"

#include <cstdio>

namespace bronze::etcd {

std::string member_id_hex(uint64_t id) {
  char text[17];
  std::snprintf(text, sizeof text, "%llx", static_cast<unsigned long long>(id));
  return text;
}

}  // namespace bronze::etcd
