// What machined tells the console once the node is up.
#pragma once

#include <string>

namespace bronze::machined {

struct BootFacts {
  std::string version;   // from /etc/os-release
  std::string slot;      // bronze.slot= from the kernel command line
  std::string arch;      // the arch machined was built for
  std::string platform;  // bronze.platform= from the kernel command line
};

// "bronze <version> slot=<slot> arch=<arch> platform=<platform> booted"
std::string boot_banner(const BootFacts& facts);

// Gathers the facts from os-release text and the kernel command line.
BootFacts boot_facts(const std::string& os_release_text, const std::string& cmdline_text);

}  // namespace bronze::machined
