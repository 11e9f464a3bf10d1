// The arch this binary was built for, as Bronze names arches.
#pragma once

namespace bronze {

constexpr const char* build_arch() {
#if defined(__x86_64__)
  return "amd64";
#elif defined(__aarch64__)
  return "arm64";
#else
#error "Bronze nodes are amd64 or arm64"
#endif
}

}  // namespace bronze
