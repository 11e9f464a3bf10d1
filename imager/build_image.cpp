#include "imager/build_image.h"

#include <unistd.h>

#include "base/error.h"
#include "base/files.h"
#include "base/kernel_cmdline.h"
#include "base/sha256.h"
#include "base/units.h"
#include "imager/cmdline.h"
#include "imager/elf_deps.h"
#include "imager/initramfs.h"
#include "imager/platform.h"
#include "imager/rootfs_tree.h"
#include "imager/squashfs.h"
#include "installer/install.h"
#include "installer/layout.h"
#include "signing/dev_key.h"
#include "signing/ed25519.h"
#include "signing/manifest.h"

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

// Everything the image depends on, hashed: the same stamp means the outputs
// on disk are what a build would produce again.
std::string inputs_stamp(const BuildRequest& r, const std::string& platform_text, const std::string& kernel_args_text,
                         const std::string& public_pem, const std::string& cmdline, uint64_t disk_size) {
  Sha256 h;
  auto add = [&](const std::string& s) {
    h.update(std::to_string(s.size()) + ":");
    h.update(s);
  };
  add(r.platform);
  add(r.arch);
  add(r.version);
  add(std::to_string(r.epoch));
  add(std::to_string(disk_size));
  add(platform_text);
  add(kernel_args_text);
  add(public_pem);
  add(cmdline);
  for (const auto& file : {r.kernel, r.init, r.machined, fs::path("/proc/self/exe")}) add(sha256_file_hex(file));
  return h.hex_digest();
}

}  // namespace

BuildResult build_image(const BuildRequest& r, Progress& progress, bool with_digests) {
  // Check every input before any work, so that bad input costs nothing.
  Platform platform = load_platform(r.data_dir / "platforms", r.platform);
  if (r.arch != "amd64" && r.arch != "arm64") throw Error("unknown arch '" + r.arch + "' (amd64 or arm64)");
  if (!platform.supports(r.arch)) {
    std::string list;
    for (const auto& a : platform.arches) list += (list.empty() ? "" : ", ") + a;
    throw Error("platform " + platform.name + " has no arch " + r.arch + " (it has: " + list + ")");
  }
  check_version(r.version);
  require_file(r.kernel, "kernel", "build it with `make kernel` or pass --kernel PATH to a bzImage");
  require_file(r.init, "init binary", "build it with `make build` or pass --init PATH");
  require_file(r.machined, "machined binary", "build it with `make build` or pass --machined PATH");
  uint64_t disk_size = r.disk_size.value_or(platform.disk_size);
  installer::LayoutSizes sizes;
  sizes.boot = platform.boot_size;
  installer::Layout::plan(disk_size, sizes);  // throws when the disk is too small
  fs::path kernel_args_file = r.data_dir / "kernel" / "cmdline.yaml";
  std::string kernel_args_text = read_file(kernel_args_file);
  KernelArgs kernel_args = parse_kernel_args(kernel_args_text, kernel_args_file.string());
  std::string cmdline = join_cmdline(assemble_cmdline(platform, r.arch, kernel_args, r.extra_kernel_args));
  prepare_out_dir(r.out_dir);

  fs::path key_path = r.signing_key ? *r.signing_key : signing::ensure_dev_key().private_key;
  signing::PrivateKey key = signing::PrivateKey::load(key_path);
  std::string public_pem = key.public_pem();

  BuildResult result;
  result.image_name = platform.name + "-" + r.arch;
  result.cmdline = cmdline;
  fs::path raw_path = r.out_dir / (result.image_name + ".raw");
  fs::path manifest_path = r.out_dir / (result.image_name + ".manifest.json");
  fs::path signature_path = r.out_dir / (result.image_name + ".manifest.sig");
  fs::path stamp_path = r.out_dir / (result.image_name + ".inputs");
  // The artifacts the manifest names, for `imager verify --manifest`.
  fs::path artifacts_dir = r.out_dir / result.image_name;
  std::vector<fs::path> finals = {raw_path, manifest_path, signature_path, artifacts_dir / installer::slot_file::kKernel,
                                  artifacts_dir / installer::slot_file::kInitramfs, artifacts_dir / "rootfs.sqfs"};

  progress.stage("check inputs");
  std::string stamp = inputs_stamp(r, read_file(r.data_dir / "platforms" / (r.platform + ".yaml")), kernel_args_text,
                                   public_pem, cmdline, disk_size);
  bool all_there = fs::exists(stamp_path);
  for (const auto& f : finals) all_there = all_there && fs::exists(f);
  if (all_there && read_file(stamp_path) == stamp) {
    progress.done();
    result.up_to_date = true;
  } else {
    std::error_code ignored;
    fs::remove(stamp_path, ignored);  // an interrupted build must not look current
    TempDir work("bronze-imager");
    progress.stage("rootfs");
    fs::path tree = work.path() / "rootfs";
    stage_rootfs({r.machined, r.version, r.arch, public_pem, default_library_dirs(r.arch), r.epoch}, tree);

    progress.stage("squashfs");
    fs::path sqfs = work.path() / "rootfs.sqfs";
    make_squashfs(tree, sqfs, r.epoch);

    progress.stage("initramfs");
    fs::path initramfs = work.path() / "initramfs.img";
    make_initramfs(r.init, sqfs, initramfs, r.epoch);

    progress.stage("manifest");
    signing::Manifest manifest;
    manifest.name = result.image_name;
    manifest.version = r.version;
    manifest.arch = r.arch;
    manifest.platform = platform.name;
    manifest.cmdline = cmdline;
    for (const auto& [name, path] : std::vector<std::pair<std::string, fs::path>>{
             {installer::slot_file::kKernel, r.kernel}, {installer::slot_file::kInitramfs, initramfs}, {"rootfs.sqfs", sqfs}}) {
      signing::Artifact a;
      a.name = name;
      a.sha256 = sha256_file_hex(path, &a.size);
      manifest.artifacts.push_back(a);
    }
    StagedFile staged_manifest(manifest_path);
    StagedFile staged_signature(signature_path);
    std::string manifest_text = manifest.to_json();
    write_file(staged_manifest.path(), manifest_text);
    write_file(staged_signature.path(), key.sign(manifest_text));

    StagedFile staged_raw(raw_path);
    {
      // A sparse file of the disk's size; install() writes the rest.
      write_file(staged_raw.path(), "");
      fs::resize_file(staged_raw.path(), disk_size);
    }
    installer::InstallRequest install;
    install.disk = staged_raw.path();
    install.image_name = result.image_name;
    install.sizes = sizes;
    install.epoch = r.epoch;
    install.slot = {r.kernel, initramfs, staged_manifest.path(), staged_signature.path(), r.version, cmdline};
    install.grub = r.grub;
    installer::install(install, progress);

    progress.stage("publish");
    // Staged beside its destination, so the final rename stays on one filesystem.
    fs::path staged_artifacts = r.out_dir / ("." + result.image_name + ".partial");
    try {
      fs::remove_all(staged_artifacts);
      fs::create_directories(staged_artifacts);
      fs::copy_file(r.kernel, staged_artifacts / installer::slot_file::kKernel);
      fs::copy_file(initramfs, staged_artifacts / installer::slot_file::kInitramfs);
      fs::copy_file(sqfs, staged_artifacts / "rootfs.sqfs");
      fs::remove_all(artifacts_dir);
      fs::rename(staged_artifacts, artifacts_dir);
    } catch (...) {
      std::error_code cleanup;
      fs::remove_all(staged_artifacts, cleanup);
      throw;
    }
    staged_raw.commit();
    staged_manifest.commit();
    staged_signature.commit();
    write_file(stamp_path, stamp);
    progress.done();
  }

  for (const auto& f : finals) {
    OutputFile out{f, fs::file_size(f), ""};
    if (with_digests) out.sha256 = sha256_file_hex(f);
    result.outputs.push_back(out);
  }
  return result;
}

}  // namespace bronze::imager
