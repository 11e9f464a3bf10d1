#include "node/machined/boot/banner.h"

#include "base/arch.h"
#include "kernel/cmdline/kernel_cmdline.h"
#include "node/machined/boot/os_release.h"

namespace bronze::machined {

std::string boot_banner(const BootFacts& f) {
  return "bronze " + f.version + " slot=" + f.slot + " arch=" + f.arch + " platform=" + f.platform + " booted";
}

BootFacts boot_facts(const std::string& os_release_text, const std::string& cmdline_text) {
  auto release = parse_os_release(os_release_text);
  auto cmdline = KernelCmdline::parse(cmdline_text);
  BootFacts facts;
  facts.version = release.count("VERSION") ? release["VERSION"] : "unknown";
  facts.slot = cmdline.get("bronze.slot").value_or("unknown");
  facts.platform = cmdline.get("bronze.platform").value_or("unknown");
  facts.arch = bronze::build_arch();
  return facts;
}

}  // namespace bronze::machined
