#include "node/machined/state/apply_config.h"

#include <algorithm>
#include <ctime>
#include <vector>

#include "base/files.h"
#include "base/progress.h"
#include "disk/filesystems/ext4.h"
#include "disk/install/template_install.h"
#include "disk/install/template_unpack.h"
#include "disk/slots/bronze_disk.h"
#include "machine_config/machine_config.h"
#include "node/machined/boot/find_disk.h"
#include "node/machined/state/state_config.h"

namespace bronze::machined {
namespace fs = std::filesystem;

namespace {

std::string disks_here(const NodeContext& node) {
  std::vector<fs::path> disks;
  if (node.dev_dir == "/dev") {
    disks = list_disks();
  } else {
    for (const auto& entry : fs::directory_iterator(node.dev_dir)) disks.push_back("/dev" / entry.path().filename());
    std::sort(disks.begin(), disks.end());
  }
  std::string out;
  for (const auto& d : disks) out += (out.empty() ? "" : ", ") + d.string();
  return out.empty() ? "none found" : out;
}

config::MachineConfig check_config(const std::string& text) {
  config::MachineConfig config = [&] {
    try {
      return config::parse_machine_config(text, "the applied config");
    } catch (const std::exception& e) {
      throw BadConfig(e.what());
    }
  }();
  if (!config.machine.install.extra_kernel_args.empty()) {
    // The command line is part of the signed image the node boots.
    throw BadConfig("machine.install.extraKernelArgs cannot be applied to a built image: build one with them "
                    "(`imager <platform> --config FILE` or --extra-kernel-arg) and install that");
  }
  return config;
}

AppliedConfig install_live(const NodeContext& node, const config::MachineConfig& config, const std::string& text,
                           const fs::path& install_template) {
  // The parser made sure it is a /dev/ path.
  const std::string& named = config.machine.install.disk;
  fs::path disk = node.dev_dir / named.substr(std::string_view("/dev/").size());
  if (!fs::exists(disk)) {
    throw BadConfig("machine.install.disk: " + named + " does not exist (disks here: " + disks_here(node) + ")");
  }
  if (!fs::exists(install_template)) {
    throw Error("this live system carries no installation template (" + install_template.string() + ")");
  }
  node.say("machined: installing to " + named);
  // In memory (tmpfs), as sparse as the template is.
  TempDir work("bronze-install");
  fs::path unpacked = work.path() / "disk.raw";
  disk::unpack_template(install_template, unpacked);
  disk::TemplateInstallRequest request;
  request.template_disk = unpacked;
  request.disk = disk;
  request.machine_config = text;
  request.trust = node.trust;
  request.node_arch = node.facts.arch;
  request.epoch = static_cast<int64_t>(std::time(nullptr));
  request.wipe = config.machine.install.wipe;
  Progress progress;
  auto result = disk::install_from_template(request, progress);
  node.say("machined: installed " + result.version + " to " + named + " (" + std::to_string(result.bytes_written) +
           " bytes written)");
  return AppliedConfig{true, named, result.version, result.disk_size, result.bytes_written};
}

}  // namespace

AppliedConfig apply_machine_config(const NodeContext& node, const std::string& text,
                                   const std::optional<fs::path>& install_template) {
  config::MachineConfig config = check_config(text);
  if (node.facts.slot == "live") {
    if (!install_template) throw Error("this live system carries no installation template");
    return install_live(node, config, text, *install_template);
  }
  if (!node.disk) throw Error("this node found no boot disk with Bronze's layout to keep the config on");
  if (read_state_config(*node.disk)) throw Error("STATE already holds a machine config");
  auto disk = disk::BronzeDisk::open(*node.disk);
  disk::add_file_to_ext4(*node.disk, disk.partition("STATE").start, kStateConfigPath + 1, text, 0600,
                              static_cast<int64_t>(std::time(nullptr)));
  node.say("machined: machine config put into STATE of " + node.disk->string());
  return AppliedConfig{false, node.disk->string(), node.facts.version, 0, 0};
}

AppliedConfig replace_machine_config(const NodeContext& node, const std::string& text) {
  config::MachineConfig config = check_config(text);
  if (!node.disk) throw Error("this node found no boot disk with Bronze's layout to keep the config on");
  auto disk = disk::BronzeDisk::open(*node.disk);
  disk::replace_file_in_ext4(*node.disk, disk.partition("STATE").start, kStateConfigPath + 1, text, 0600,
                                  static_cast<int64_t>(std::time(nullptr)));
  node.say("machined: the machine config in STATE of " + node.disk->string() + " was replaced (" +
           std::string(config::to_string(config.machine.type)) + ", cluster " + config.cluster.name + ")");
  AppliedConfig applied{false, node.disk->string(), node.facts.version, 0, 0};
  applied.replaced = true;
  return applied;
}

}  // namespace bronze::machined
