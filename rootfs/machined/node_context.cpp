#include "rootfs/machined/node_context.h"

#include <cstdio>

namespace bronze::machined {

void NodeContext::say(const std::string& line) const {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
  if (log) log->add(line);
}

}  // namespace bronze::machined
