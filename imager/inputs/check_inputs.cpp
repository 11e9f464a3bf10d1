#include "imager/inputs/check_inputs.h"

#include <unistd.h>

#include <algorithm>

#include "base/error.h"
#include "base/files.h"
#include "base/sha256.h"
#include "disk/partitions/layout.h"
#include "imager/inputs/kspp_check.h"
#include "imager/profile/outputs.h"
#include "kernel/cmdline/image_cmdline.h"
#include "kernel/cmdline/kernel_cmdline.h"
#include "machine_config/machine_config.h"
#include "rootfs/elf_deps.h"
#include "signing/dev_key.h"

namespace bronze::imager {
namespace fs = std::filesystem;


namespace {

void require_file(const fs::path& path, const std::string& what, const std::string& hint) {
  if (path.empty() || !fs::is_regular_file(path)) {
    throw Error(what + " " + (path.empty() ? std::string("not given") : path.string() + " not found") + "; " + hint);
  }
}

void prepare_out_dir(const fs::path& dir) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) throw Error("output folder " + dir.string() + " cannot be created: " + error.message());
  if (::access(dir.c_str(), W_OK) != 0) throw Error("output folder " + dir.string() + " is not writable; pass --out DIR");
}

void check_version(const std::string& version) {
  if (version.empty()) throw Error("version is empty");
  for (char c : version) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == '+';
    if (!ok) throw Error("version '" + version + "' may hold only letters, digits and . - _ +");
  }
}

}  // namespace

CheckedInputs check_inputs(const BuildRequest& r) {
  Platform platform = load_platform(r.data_dir / "platforms", r.platform);
  if (r.arch != "amd64" && r.arch != "arm64") throw Error("unknown arch '" + r.arch + "' (amd64 or arm64)");
  if (!platform.supports(r.arch)) {
    std::string list;
    for (const auto& a : platform.arches) list += (list.empty() ? "" : ", ") + a;
    throw Error("platform " + platform.name + " has no arch " + r.arch + " (it has: " + list + ")");
  }
  check_version(r.version);
  std::string format = r.format.empty() ? platform.format : r.format;
  if (std::find(platform.formats.begin(), platform.formats.end(), format) == platform.formats.end()) {
    std::string list;
    for (const auto& f : platform.formats) list += (list.empty() ? "" : ", ") + f;
    throw Error("platform " + platform.name + " does not take format " + format + " (it takes: " + list + ")");
  }
  check_output_options(r, format);
  std::string arch_arg = r.arch == "amd64" ? "" : " ARCH=" + r.arch;
  require_file(r.kernel, "kernel", "build it with `make kernel" + arch_arg + "` or pass --kernel PATH to a bzImage (arm64: Image.gz)");
  // Only the outputs that write a disk run GRUB's grub-mkimage.
  if (r.output == "image" || r.output == "iso") disk::check_grub_modules(r.grub);
  // The node binaries of another arch come from its cross build.
  std::string make_build = "`make build" + arch_arg + "`";
  require_file(r.init, "init binary", "build it with " + make_build + " or pass --init PATH");
  rootfs::require_elf_arch(r.init, r.arch, "init binary", "pass --init PATH to the " + r.arch + " build's");
  require_file(r.machined, "machined binary", "build it with " + make_build + " or pass --machined PATH");
  rootfs::require_elf_arch(r.machined, r.arch, "machined binary", "pass --machined PATH to the " + r.arch + " build's");
  if (r.output == "installer") {
    require_file(r.installer, "installer binary", "build it with " + make_build + " or pass --installer PATH");
    rootfs::require_elf_arch(r.installer, r.arch, "installer binary", "pass --installer PATH to the " + r.arch + " build's");
  }
  uint64_t disk_size = r.disk_size.value_or(platform.disk_size);
  disk::LayoutSizes sizes;
  sizes.boot = platform.boot_size;
  disk::Layout::plan(disk_size, sizes);  // throws when the disk is too small
  fs::path kernel_args_file = r.data_dir / "kernel" / "cmdline" / "cmdline.yaml";
  std::string kernel_args_text = read_file(kernel_args_file);
  KernelArgs kernel_args = parse_kernel_args(kernel_args_text, kernel_args_file.string());
  std::optional<std::string> machine_config;
  std::vector<std::string> extra_kernel_args = r.extra_kernel_args;
  if (r.machine_config) {
    // Refused here, with file:line:column, rather than by the node at boot.
    auto parsed = config::load_machine_config(*r.machine_config);
    machine_config = read_file(*r.machine_config);
    const auto& from_config = parsed.machine.install.extra_kernel_args;
    extra_kernel_args.insert(extra_kernel_args.end(), from_config.begin(), from_config.end());
  }
  std::string cmdline = join_cmdline(
      assemble_cmdline({platform.name, platform.consoles, platform.kernel_args}, r.arch, kernel_args, extra_kernel_args));
  prepare_out_dir(r.out_dir);

  fs::path key_path = r.signing_key ? *r.signing_key : signing::ensure_dev_key().private_key;
  signing::PrivateKey key = signing::PrivateKey::load(key_path);
  std::string public_pem = key.public_pem();

  auto exceptions = kspp_exceptions(r.data_dir, r.arch, platform.kspp_exceptions);

  Sha256 h;
  auto add = [&](const std::string& s) {
    h.update(std::to_string(s.size()) + ":");
    h.update(s);
  };
  for (const auto& s : {r.platform, r.arch, r.version, std::to_string(r.security_version), format, r.output, r.compress, std::to_string(r.epoch),
                        std::to_string(disk_size),
                        read_file(r.data_dir / "platforms" / (r.platform + ".yaml")), kernel_args_text, public_pem, cmdline}) {
    add(s);
  }
  for (const auto& file : {r.kernel, r.init, r.machined}) add(sha256_file_hex(file));
  // GRUB's modules, by folder: an amd64 host keeps arm64's in a folder per version.
  add(r.grub.efi_target + ":" + r.grub.efi_modules.string() + ":" + r.grub.bios_modules.string());
  // The imager itself: its build-id names its content without reading it all.
  std::string self = rootfs::build_id("/proc/self/exe");
  add(self.empty() ? sha256_file_hex("/proc/self/exe") : self);
  if (!r.installer.empty() && fs::exists(r.installer)) add(sha256_file_hex(r.installer));
  for (const auto& [option, reason] : exceptions) add(option + "=" + reason);
  add(machine_config ? "config:" + *machine_config : "no config");

  return CheckedInputs{platform,   platform.name + "-" + r.arch, cmdline, disk_size, format, std::move(key),
                       public_pem, exceptions, machine_config, h.hex_digest()};
}

}  // namespace bronze::imager
