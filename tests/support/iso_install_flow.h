// The install from the ISO as the e2e suites drive it, for every arch and
// firmware: the live node's maintenance API, `bronzectl apply-config
// --insecure`, the reboot into the disk, and the installed node answering
// the cluster's admin over mutual TLS.
#pragma once

#include <filesystem>
#include <string>

#include "tests/support/qemu.h"

namespace bronze::test {

struct IsoInstall {
  std::string version;                // the ISO's
  std::string arch;                   // "amd64" or "arm64", as the banner says
  std::filesystem::path cluster_dir;  // from gen_config: controlplane.yaml, bronzeconfig
  int boot_timeout_seconds = 300;     // for each of the two boots
};

// Drives `node` (booted from the ISO, its blank disk /dev/vda, the API on
// host port `api_port`) through the install and checks each step with
// GoogleTest assertions; returns at the first fatal one. `live_seconds`, when
// given, gets how long the live system took to serve the maintenance API.
void install_from_iso(const QemuMachine& node, int api_port, const IsoInstall& install, double* live_seconds = nullptr);

}  // namespace bronze::test
