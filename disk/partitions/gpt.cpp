#include "disk/partitions/gpt.h"

#include <blkid/blkid.h>
#include <libfdisk/libfdisk.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>

#include "base/error.h"

namespace bronze::disk {

namespace {

struct ContextDeleter {
  void operator()(fdisk_context* c) const {
    fdisk_deassign_device(c, 1);
    fdisk_unref_context(c);
  }
};
struct PartitionDeleter {
  void operator()(fdisk_partition* p) const { fdisk_unref_partition(p); }
};
struct ParttypeDeleter {
  void operator()(fdisk_parttype* t) const { fdisk_unref_parttype(t); }
};

void check(int rc, const std::string& what) {
  if (rc < 0) throw Error("libfdisk: " + what + ": " + std::strerror(-rc));
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

}  // namespace

void write_gpt(const std::filesystem::path& disk, const Layout& layout, const GptIds& ids) {
  if (ids.partition_guids.size() != layout.partitions().size()) throw Error("write_gpt: one GUID per partition needed");
  std::unique_ptr<fdisk_context, ContextDeleter> cxt(fdisk_new_context());
  if (!cxt) throw Error("libfdisk: cannot create a context");
  check(fdisk_assign_device(cxt.get(), disk.c_str(), 0), "open " + disk.string());
  fdisk_disable_dialogs(cxt.get(), 1);
  check(fdisk_create_disklabel(cxt.get(), "gpt"), "create a GPT on " + disk.string());
  check(fdisk_set_disklabel_id_from_string(cxt.get(), ids.disk_guid.c_str()), "set the disk GUID");
  fdisk_label* gpt = fdisk_get_label(cxt.get(), "gpt");

  for (size_t i = 0; i < layout.partitions().size(); ++i) {
    const Partition& p = layout.partitions()[i];
    std::unique_ptr<fdisk_partition, PartitionDeleter> pa(fdisk_new_partition());
    std::unique_ptr<fdisk_parttype, ParttypeDeleter> type(fdisk_label_get_parttype_from_string(gpt, p.type_guid.c_str()));
    if (!type) throw Error("libfdisk: unknown partition type " + p.type_guid);
    check(fdisk_partition_set_partno(pa.get(), static_cast<size_t>(p.number - 1)), "set partition number");
    check(fdisk_partition_set_start(pa.get(), p.start_sector()), "set start of " + p.label);
    check(fdisk_partition_set_size(pa.get(), p.size_sectors()), "set size of " + p.label);
    check(fdisk_partition_set_name(pa.get(), p.label.c_str()), "set name of " + p.label);
    check(fdisk_partition_set_uuid(pa.get(), ids.partition_guids[i].c_str()), "set GUID of " + p.label);
    check(fdisk_partition_set_type(pa.get(), type.get()), "set type of " + p.label);
    check(fdisk_add_partition(cxt.get(), pa.get(), nullptr), "add partition " + p.label);
  }
  check(fdisk_write_disklabel(cxt.get()), "write the GPT to " + disk.string());
}

namespace {

using Probe = std::unique_ptr<blkid_struct_probe, decltype(&blkid_free_probe)>;

// A probe of `disk` whose partition list holds a GPT.
Probe probe_gpt(const std::filesystem::path& disk, blkid_partlist* list) {
  Probe probe(blkid_new_probe_from_filename(disk.c_str()), &blkid_free_probe);
  if (!probe) throw Error("cannot open " + disk.string() + " to read its partition table");
  blkid_probe_enable_partitions(probe.get(), 1);
  blkid_probe_set_partitions_flags(probe.get(), BLKID_PARTS_ENTRY_DETAILS);
  *list = blkid_probe_get_partitions(probe.get());
  blkid_parttable table = *list ? blkid_partlist_get_table(*list) : nullptr;
  if (!table || std::strcmp(blkid_parttable_get_type(table), "gpt") != 0) {
    throw Error(disk.string() + " has no GPT partition table: it does not carry Bronze's layout");
  }
  return probe;
}

}  // namespace

std::string read_disk_guid(const std::filesystem::path& disk) {
  blkid_partlist list = nullptr;
  Probe probe = probe_gpt(disk, &list);
  const char* id = blkid_parttable_get_id(blkid_partlist_get_table(list));
  return upper(id ? id : "");
}

std::vector<FoundPartition> read_gpt(const std::filesystem::path& disk) {
  blkid_partlist list = nullptr;
  Probe probe = probe_gpt(disk, &list);
  std::vector<FoundPartition> out;
  int count = blkid_partlist_numof_partitions(list);
  for (int i = 0; i < count; ++i) {
    blkid_partition part = blkid_partlist_get_partition(list, i);
    FoundPartition f;
    f.number = blkid_partition_get_partno(part);
    const char* name = blkid_partition_get_name(part);
    const char* type = blkid_partition_get_type_string(part);
    const char* uuid = blkid_partition_get_uuid(part);
    f.label = name ? name : "";
    f.type_guid = upper(type ? type : "");
    f.uuid = upper(uuid ? uuid : "");
    f.start = static_cast<uint64_t>(blkid_partition_get_start(part)) * kSectorSize;
    f.size = static_cast<uint64_t>(blkid_partition_get_size(part)) * kSectorSize;
    out.push_back(std::move(f));
  }
  return out;
}

FoundPartition find_partition(const std::filesystem::path& disk, const std::string& name) {
  for (auto& p : read_gpt(disk)) {
    if (p.label == name) return p;
  }
  throw Error(disk.string() + " has no partition labelled " + name + ": it does not carry Bronze's layout");
}

}  // namespace bronze::disk
