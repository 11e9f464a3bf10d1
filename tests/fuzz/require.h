// A fuzz harness's own assertion: when a property the parser promises does
// not hold, abort, so that libFuzzer saves the input that broke it.
#pragma once

#include <cstdlib>

namespace bronze::fuzz {

inline void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace bronze::fuzz
