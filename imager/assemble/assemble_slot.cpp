#include "imager/assemble/assemble_slot.h"

#include "base/files.h"
#include "base/guid.h"
#include "base/sha256.h"
#include "disk/install/install.h"
#include "disk/slots/slot_image.h"
#include "imager/inputs/kernel_drivers_check.h"
#include "imager/inputs/kspp_check.h"
#include "initramfs/initramfs.h"
#include "rootfs/elf_deps.h"
#include "rootfs/rootfs_tree.h"
#include "rootfs/squashfs.h"
#include "signing/manifest.h"

namespace bronze::imager {
namespace fs = std::filesystem;

AssembledSlot assemble_slot(const BuildRequest& r, const CheckedInputs& in, const fs::path& work, Progress& progress) {
  AssembledSlot slot;
  progress.stage("kspp audit");
  KsppVerdict verdict = audit_kernel(r.kernel, r.arch, in.cmdline, in.kspp_exceptions);
  for (const auto& e : verdict.accepted) progress.note("kspp: accepted " + e.option + ": " + e.reason);
  check_kernel_drivers(r.kernel, in.platform, r.arch);

  progress.stage("rootfs");
  fs::path tree = work / "rootfs";
  rootfs::stage_rootfs({r.machined, r.version, r.arch, in.public_pem, rootfs::default_library_dirs(r.arch), r.epoch}, tree);

  progress.stage("squashfs");
  slot.rootfs_sqfs = work / "rootfs.sqfs";
  rootfs::make_squashfs(tree, slot.rootfs_sqfs, r.epoch);

  progress.stage("initramfs");
  slot.initramfs = work / "initramfs.img";
  fs::path init = work / "init";
  fs::copy_file(r.init, init);
  rootfs::strip_debug(init, r.arch);
  initramfs::make_initramfs(init, slot.rootfs_sqfs, slot.initramfs, r.epoch);

  progress.stage("manifest");
  signing::Manifest manifest;
  manifest.name = in.image_name;
  manifest.version = r.version;
  manifest.arch = r.arch;
  manifest.platform = in.platform.name;
  manifest.cmdline = in.cmdline;
  manifest.security_version = r.security_version;
  manifest.kspp_exceptions = verdict.accepted;
  for (const auto& [name, path] : std::vector<std::pair<std::string, fs::path>>{
           {disk::slot_file::kKernel, r.kernel}, {disk::slot_file::kInitramfs, slot.initramfs}, {"rootfs.sqfs", slot.rootfs_sqfs}}) {
    signing::Artifact a;
    a.name = name;
    a.sha256 = sha256_file_hex(path, &a.size);
    manifest.artifacts.push_back(a);
  }
  std::string manifest_text = manifest.to_json();
  slot.manifest = work / "manifest.json";
  slot.signature = work / "manifest.sig";
  write_file(slot.manifest, manifest_text);
  write_file(slot.signature, in.key.sign(manifest_text));

  progress.stage("slot image");
  slot.slot_image = work / "slot.ext4";
  disk::make_slot_image({r.kernel, slot.initramfs, slot.manifest, slot.signature, r.version, in.cmdline},
                             slot.slot_image, derive_guid({in.image_name, r.version, "fs:BOOT"}), r.epoch);
  return slot;
}

}  // namespace bronze::imager
