#include "node/machined/node_context.h"

#include <chrono>
#include <cstdio>
#include <thread>

namespace bronze::machined {

void NodeContext::say(const std::string& line) const {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
  if (log) log->add(line);
}

void NodeContext::reboot_soon(const std::string& why) const {
  say("machined: rebooting (" + why + ")");
  std::thread([restart = reboot] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    restart();
  }).detach();
}

}  // namespace bronze::machined
