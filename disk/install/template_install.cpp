#include "disk/install/template_install.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include "base/error.h"
#include "base/units.h"
#include "disk/filesystems/ext4.h"
#include "disk/install/install.h"
#include "disk/partitions/disk_writer.h"
#include "disk/partitions/gpt.h"
#include "disk/partitions/layout.h"
#include "disk/slots/slot_verify.h"
#include "signing/ed25519.h"

namespace bronze::disk {
namespace fs = std::filesystem;

namespace {

// GRUB's boot.img: the MBR's code, before the protective partition table.
constexpr size_t kMbrCodeBytes = 440;

bool all_zero(const char* data, size_t size) {
  return std::all_of(data, data + size, [](char c) { return c == 0; });
}

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string pread_exact(int fd, uint64_t offset, size_t size, const fs::path& path) {
  std::string out(size, '\0');
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, out.data() + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw_errno("cannot read " + path.string() + " at " + std::to_string(offset + done));
    done += static_cast<size_t>(n);
  }
  return out;
}

// Copies [start, start + size) of the template to the same place on the
// target: data as data, zeros as a zeroed range, so that whatever the disk
// held before (an old filesystem's inode tables, say) reads as the template
// says.
void copy_range(int from, const fs::path& template_disk, DiskWriter& writer, uint64_t start, uint64_t size) {
  uint64_t zeros_from = start, zeros = 0;
  auto flush_zeros = [&] {
    if (zeros > 0) writer.zero(zeros_from, zeros);
    zeros = 0;
  };
  for (uint64_t at = start; at < start + size; at += MiB) {
    auto n = static_cast<size_t>(std::min<uint64_t>(MiB, start + size - at));
    std::string block = pread_exact(from, at, n, template_disk);
    if (all_zero(block.data(), block.size())) {
      if (zeros == 0) zeros_from = at;
      zeros += n;
      continue;
    }
    flush_zeros();
    writer.write(at, block);
  }
  flush_zeros();
}

std::map<std::string, FoundPartition> partitions_by_label(const fs::path& disk) {
  std::map<std::string, FoundPartition> out;
  for (auto& p : read_gpt(disk)) out[p.label] = p;
  for (const char* name : {label::kEfi, label::kBios, label::kBootA, label::kBootB, label::kMeta, label::kState,
                           label::kEphemeral}) {
    if (!out.count(name)) throw Error("the installation template has no " + std::string(name) + " partition");
  }
  return out;
}

}  // namespace

TemplateInstallResult install_from_template(const TemplateInstallRequest& r, Progress& progress) {
  progress.stage("check");
  auto parts = partitions_by_label(r.template_disk);
  auto trust = signing::TrustStore::load(r.trust);
  signing::Manifest manifest = [&] {
    try {
      return verify_slot(r.template_disk, parts.at(label::kBootA).start, trust);
    } catch (const Error& e) {
      throw Error(std::string("the installation template's BOOT-A does not verify: ") + e.what());
    }
  }();
  if (manifest.arch != r.node_arch) {
    throw Error("the installation template is for " + manifest.arch + "; this machine is " + r.node_arch);
  }

  struct stat st {};
  if (::stat(r.disk.c_str(), &st) != 0) throw_errno("install disk " + r.disk.string());
  if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode)) {
    throw Error("install disk " + r.disk.string() + " is neither a disk (block device) nor a disk image file");
  }
  uint64_t size = disk_size(r.disk);
  LayoutSizes sizes;
  sizes.efi = parts.at(label::kEfi).size;
  sizes.bios = parts.at(label::kBios).size;
  sizes.boot = parts.at(label::kBootA).size;
  sizes.meta = parts.at(label::kMeta).size;
  sizes.state = parts.at(label::kState).size;
  Layout layout = [&] {
    try {
      return Layout::plan(size, sizes);
    } catch (const Error& e) {
      throw Error("install disk " + r.disk.string() + " (" + format_size(size) + "): " + e.what());
    }
  }();
  GptIds ids;
  ids.disk_guid = read_disk_guid(r.template_disk);
  for (const auto& p : layout.partitions()) {
    const FoundPartition& t = parts.at(p.label);
    if (p.label != label::kEphemeral && (t.start != p.start || t.size != p.size)) {
      throw Error("the installation template's " + p.label + " lies elsewhere than this installer places it");
    }
    ids.partition_guids.push_back(t.uuid);
  }

  // From here on the target changes.
  Fd from{::open(r.template_disk.c_str(), O_RDONLY | O_CLOEXEC)};
  if (from.fd < 0) throw_errno("cannot open " + r.template_disk.string());
  DiskWriter writer(r.disk);
  uint64_t bytes_before = DiskWriter::bytes_done();
  if (r.wipe) {
    progress.stage("wipe");
    writer.zero(0, size);
  }
  progress.stage("partition table");
  // Nothing of an older table may remain around the new one.
  const Partition& first = layout.partitions().front();
  writer.zero(0, first.start);
  writer.zero(layout.partitions().back().end(), size - layout.partitions().back().end());
  write_gpt(r.disk, layout, ids);
  writer.write(0, pread_exact(from.fd, 0, kMbrCodeBytes, r.template_disk));
  for (const auto& p : layout.partitions()) {
    if (p.label == label::kEphemeral) continue;
    progress.stage("write " + p.label);
    copy_range(from.fd, r.template_disk, writer, p.start, p.size);
  }
  // EPHEMERAL is made on first boot; nothing of an older one may look valid.
  const Partition& ephemeral = layout.get(label::kEphemeral);
  writer.zero(ephemeral.start, std::min<uint64_t>(ephemeral.size, MiB));

  progress.stage("machine config");
  add_file_to_ext4(r.disk, layout.get(label::kState).start, "config.yaml", r.machine_config, 0600, r.epoch);

  progress.stage("check BOOT-A");
  try {
    verify_slot(r.disk, layout.get(label::kBootA).start, trust);
  } catch (const Error& e) {
    throw Error(std::string("BOOT-A as written does not verify (is the disk failing?): ") + e.what());
  }
  progress.done();
  return TemplateInstallResult{manifest.version, size, DiskWriter::bytes_done() - bytes_before};
}

}  // namespace bronze::disk
