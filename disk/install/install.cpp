#include "disk/install/install.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/files.h"
#include "base/guid.h"
#include "disk/boot/boot_state.h"
#include "disk/boot/grub_cfg.h"
#include "disk/filesystems/esp_files.h"
#include "disk/filesystems/ext4.h"
#include "disk/filesystems/vfat.h"
#include "disk/meta/meta.h"
#include "disk/meta/node_state.h"
#include "disk/partitions/disk_writer.h"
#include "disk/partitions/gpt.h"
#include "disk/slots/slot_image.h"

namespace bronze::disk {
namespace fs = std::filesystem;

uint64_t disk_size(const fs::path& disk) {
  struct stat st {};
  if (::stat(disk.c_str(), &st) != 0) throw_errno("cannot open disk " + disk.string());
  if (S_ISREG(st.st_mode)) return static_cast<uint64_t>(st.st_size);
  if (!S_ISBLK(st.st_mode)) throw Error(disk.string() + " is neither a block device nor a regular file");
  int fd = ::open(disk.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("cannot open disk " + disk.string());
  uint64_t size = 0;
  int rc = ::ioctl(fd, BLKGETSIZE64, &size);
  ::close(fd);
  if (rc != 0) throw_errno("cannot read the size of " + disk.string());
  return size;
}

namespace {

std::string part_guid(const InstallRequest& r, const std::string& what) {
  return derive_guid({r.image_name, r.version, what});
}


}  // namespace

void install(const InstallRequest& r, Progress& progress) {
  progress.stage("partition table");
  Layout layout = Layout::plan(disk_size(r.disk), r.sizes);
  GptIds ids;
  ids.disk_guid = part_guid(r, "disk");
  for (const auto& p : layout.partitions()) ids.partition_guids.push_back(part_guid(r, "partition:" + p.label));
  write_gpt(r.disk, layout, ids);

  TempDir work("bronze-install");
  progress.stage("bootloader");
  std::string efi_path = efi_boot_path(r.grub);
  fs::path efi = work.path() / fs::path(efi_path).filename();
  make_efi_image(r.grub, efi);
  // Without BIOS GRUB (arm64), the BIOS boot partition stays in the layout,
  // empty, so that every arch numbers its partitions the same way.
  if (!r.grub.bios_modules.empty()) {
    fs::path core = work.path() / "core.img";
    make_bios_core_image(r.grub, core);
    embed_bios(r.disk, layout.get(label::kBios), r.grub, core);
  }

  fs::path cfg = work.path() / "grub.cfg";
  write_file(cfg, grub_cfg());
  // A fresh disk boots slot A, committed. Both copies are valid from the
  // start; the second is one generation older.
  fs::path state1 = work.path() / "state-1.env";
  fs::path state2 = work.path() / "state-2.env";
  fs::path tally = work.path() / "tally.env";
  write_file(state1, encode_state(BootState{kFirstGeneration + 1, 'A', 'N', 0}));
  write_file(state2, encode_state(BootState{kFirstGeneration, 'A', 'N', 0}));
  write_file(tally, encode_tally(Tally{kFirstGeneration, 0}));

  const Partition& esp = layout.get(label::kEfi);
  make_vfat(r.disk, esp, "EFI", derive_volume_id({r.image_name, r.version, "EFI"}), r.epoch);
  copy_into_vfat(r.disk, esp,
                 {{efi, efi_path},
                  {cfg, "/boot/grub/grub.cfg"},
                  {state1, kStateFile1},
                  {state2, kStateFile2},
                  {tally, kTallyFile}},
                 r.epoch);

  progress.stage("boot slots");
  DiskWriter writer(r.disk);
  write_slot_image(writer, layout.get(label::kBootA), r.slot_image);
  make_ext4(r.disk, layout.get(label::kBootB),
            {label::kBootB, part_guid(r, "fs:" + std::string(label::kBootB)), r.epoch, std::nullopt});

  progress.stage("META and STATE");
  // META records what the slots hold and where the boot state files lie, so
  // that upgrades, commits and rollbacks rewrite them in place.
  NodeState node;
  node.a = {r.version, true, r.security_version};
  node.security_floor = r.security_version;
  node.state1_offsets = locate_fat_file(r.disk, esp, kStateFile1);
  node.state2_offsets = locate_fat_file(r.disk, esp, kStateFile2);
  node.tally_offsets = locate_fat_file(r.disk, esp, kTallyFile);
  init_meta(writer, layout.get(label::kMeta), node.to_meta());
  std::optional<TempDir> state_files;
  if (r.machine_config) {
    state_files.emplace("bronze-state");
    fs::path config = state_files->path() / "config.yaml";
    write_file(config, *r.machine_config);
    // It holds the CA key: readable by root only.
    fs::permissions(config, fs::perms::owner_read | fs::perms::owner_write);
  }
  make_ext4(r.disk, layout.get(label::kState),
            {label::kState, part_guid(r, "fs:" + std::string(label::kState)), r.epoch,
             state_files ? std::optional<fs::path>(state_files->path()) : std::nullopt});
  progress.done();
}

}  // namespace bronze::disk
