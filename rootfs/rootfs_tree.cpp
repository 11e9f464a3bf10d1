#include "rootfs/rootfs_tree.h"

#include "base/error.h"
#include "base/files.h"
#include "rootfs/elf_deps.h"

namespace bronze::rootfs {
namespace fs = std::filesystem;

std::string os_release_text(const std::string& version, const std::string& arch) {
  return "NAME=\"Bronze\"\n"
         "ID=bronze\n"
         "VERSION=\"" + version + "\"\n"
         "VERSION_ID=\"" + version + "\"\n"
         "PRETTY_NAME=\"Bronze " + version + "\"\n"
         "BRONZE_ARCH=" + arch + "\n";
}

static void copy_into(const fs::path& source, const fs::path& root, const fs::path& absolute_target,
                      fs::perms permissions) {
  fs::path target = root / absolute_target.relative_path();
  fs::create_directories(target.parent_path());
  // Follow symlinks: the image holds the library under the name asked for.
  fs::copy_file(fs::canonical(source), target, fs::copy_options::overwrite_existing);
  fs::permissions(target, permissions);
}

void stage_rootfs(const RootfsSpec& spec, const fs::path& dir) {
  if (fs::exists(dir) && !fs::is_empty(dir)) throw Error("rootfs staging folder " + dir.string() + " is not empty");
  fs::create_directories(dir);
  for (const char* mount_point : {"dev", "proc", "sys", "run", "tmp", "var", "system/state"}) {
    fs::create_directories(dir / mount_point);
  }
  const auto exec = fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                    fs::perms::others_exec;
  const auto data = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read;

  if (!fs::exists(spec.machined)) throw Error("machined binary " + spec.machined.string() + " not found (build it with `make build`)");
  copy_into(spec.machined, dir, "/sbin/machined", exec);
  strip_debug(dir / "sbin/machined", spec.arch);
  for (const auto& library : resolve_libraries(spec.machined, spec.library_dirs)) {
    copy_into(library, dir, library, exec);
  }

  fs::create_directories(dir / "etc/bronze/trust");
  write_file(dir / "etc/os-release", os_release_text(spec.version, spec.arch));
  write_file(dir / "etc/bronze/trust/image-signing.pub", spec.trust_public_key_pem);
  // The root is read-only: machined writes the resolvers (the machine
  // config's, the platform's, else the kernel's DHCP answer) to the tmpfs
  // /run at every boot (node/network/resolv_conf.h).
  fs::create_symlink("../run/resolv.conf", dir / "etc/resolv.conf");
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_directory() && !entry.is_symlink()) fs::permissions(entry.path(), exec);
  }
  fs::permissions(dir / "etc/os-release", data);
  fs::permissions(dir / "etc/bronze/trust/image-signing.pub", data);
  fs::permissions(dir / "tmp", fs::perms::all | fs::perms::sticky_bit);
  set_tree_times(dir, spec.epoch);
}

}  // namespace bronze::rootfs
