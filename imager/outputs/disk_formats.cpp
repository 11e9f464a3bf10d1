#include "imager/outputs/disk_formats.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <fstream>
#include <memory>

#include "base/error.h"
#include "base/files.h"
#include "base/subprocess.h"
#include "imager/outputs/compress.h"

namespace bronze::imager {
namespace fs = std::filesystem;

namespace {

using ArchivePtr = std::unique_ptr<archive, int (*)(archive*)>;

void check(archive* a, int rc, const std::string& what) {
  if (rc < ARCHIVE_WARN) {
    const char* detail = archive_error_string(a);
    throw Error("libarchive: " + what + ": " + (detail ? detail : "unknown error"));
  }
}

void add_file(archive* a, const std::string& name, const fs::path& source, int64_t epoch) {
  std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(), archive_entry_free);
  archive_entry_set_pathname(e.get(), name.c_str());
  archive_entry_set_filetype(e.get(), AE_IFREG);
  archive_entry_set_perm(e.get(), 0644);
  archive_entry_set_uid(e.get(), 0);
  archive_entry_set_gid(e.get(), 0);
  archive_entry_set_mtime(e.get(), epoch, 0);
  archive_entry_set_size(e.get(), static_cast<la_int64_t>(fs::file_size(source)));
  check(a, archive_write_header(a, e.get()), "write the header of " + name);
  std::ifstream in(source, std::ios::binary);
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    auto n = static_cast<size_t>(in.gcount());
    if (n > 0 && archive_write_data(a, buffer.data(), n) < 0) check(a, ARCHIVE_FATAL, "write " + name);
  }
}

// A tar of `files` (name -> source), in the given order.
void write_tar(const fs::path& out, const std::vector<std::pair<std::string, fs::path>>& files, bool gnu_gzip,
               int64_t epoch) {
  ArchivePtr a(archive_write_new(), archive_write_free);
  if (gnu_gzip) {
    check(a.get(), archive_write_set_format_gnutar(a.get()), "GNU tar format");
    check(a.get(), archive_write_add_filter_gzip(a.get()), "gzip");
    check(a.get(), archive_write_set_filter_option(a.get(), "gzip", "timestamp", nullptr), "gzip without a timestamp");
    // A disk is mostly zeros: the fastest level loses almost nothing.
    check(a.get(), archive_write_set_filter_option(a.get(), "gzip", "compression-level", "1"), "gzip level");
  } else {
    // OVF requires plain ustar, with the descriptor first.
    check(a.get(), archive_write_set_format_ustar(a.get()), "ustar format");
  }
  check(a.get(), archive_write_open_filename(a.get(), out.c_str()), "open " + out.string());
  for (const auto& [name, source] : files) add_file(a.get(), name, source, epoch);
  check(a.get(), archive_write_close(a.get()), "close " + out.string());
}

}  // namespace

const std::vector<std::string>& known_disk_formats() {
  static const std::vector<std::string> formats = {"raw", "qcow2", "vhd", "vmdk", "ova", "tar.gz", "raw.gz"};
  return formats;
}

std::string format_extension(const std::string& format) {
  const auto& known = known_disk_formats();
  if (std::find(known.begin(), known.end(), format) == known.end()) {
    std::string list;
    for (const auto& f : known) list += (list.empty() ? "" : ", ") + f;
    throw Error("unknown disk format '" + format + "' (known: " + list + ")");
  }
  return format;
}

std::string ovf_descriptor(const std::string& name, const std::string& disk_file, uint64_t disk_file_size,
                           uint64_t capacity_bytes) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData">
  <References>
    <File ovf:id="file1" ovf:href=")" + disk_file + R"(" ovf:size=")" + std::to_string(disk_file_size) + R"("/>
  </References>
  <DiskSection>
    <Info>Virtual disks</Info>
    <Disk ovf:diskId="disk1" ovf:fileRef="file1" ovf:capacity=")" + std::to_string(capacity_bytes) + R"(" ovf:capacityAllocationUnits="byte" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
  </DiskSection>
  <NetworkSection>
    <Info>Networks</Info>
    <Network ovf:name="VM Network"><Description>The VM network</Description></Network>
  </NetworkSection>
  <VirtualSystem ovf:id=")" + name + R"(">
    <Info>A Bronze node</Info>
    <Name>)" + name + R"(</Name>
    <OperatingSystemSection ovf:id="101">
      <Info>The operating system</Info>
    </OperatingSystemSection>
    <VirtualHardwareSection ovf:transport="iso">
      <Info>Virtual hardware; the OVF environment (with bronze.config) reaches the node on a CD</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>)" + name + R"(</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>vmx-15</vssd:VirtualSystemType>
      </System>
      <Item>
        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>
        <rasd:ElementName>2 virtual CPUs</rasd:ElementName>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType>
        <rasd:VirtualQuantity>2</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>
        <rasd:ElementName>2048 MB of memory</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID>
        <rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>2048</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:Address>0</rasd:Address>
        <rasd:ElementName>SCSI controller 0</rasd:ElementName>
        <rasd:InstanceID>3</rasd:InstanceID>
        <rasd:ResourceSubType>VirtualSCSI</rasd:ResourceSubType>
        <rasd:ResourceType>6</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>0</rasd:AddressOnParent>
        <rasd:ElementName>Hard disk 1</rasd:ElementName>
        <rasd:HostResource>ovf:/disk/disk1</rasd:HostResource>
        <rasd:InstanceID>4</rasd:InstanceID>
        <rasd:Parent>3</rasd:Parent>
        <rasd:ResourceType>17</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
        <rasd:Connection>VM Network</rasd:Connection>
        <rasd:ElementName>Network adapter 1</rasd:ElementName>
        <rasd:InstanceID>5</rasd:InstanceID>
        <rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>
        <rasd:ResourceType>10</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:Address>0</rasd:Address>
        <rasd:ElementName>IDE controller 0</rasd:ElementName>
        <rasd:InstanceID>6</rasd:InstanceID>
        <rasd:ResourceType>5</rasd:ResourceType>
      </Item>
      <Item ovf:required="false">
        <rasd:AddressOnParent>0</rasd:AddressOnParent>
        <rasd:AutomaticAllocation>false</rasd:AutomaticAllocation>
        <rasd:ElementName>CD/DVD drive 1 (the OVF environment)</rasd:ElementName>
        <rasd:InstanceID>7</rasd:InstanceID>
        <rasd:Parent>6</rasd:Parent>
        <rasd:ResourceType>15</rasd:ResourceType>
      </Item>
    </VirtualHardwareSection>
    <ProductSection>
      <Info>What the node reads at its first boot (node/platform/vmware/)</Info>
      <Product>Bronze</Product>
      <Property ovf:key="bronze.config" ovf:type="string" ovf:userConfigurable="true" ovf:value="">
        <Label>Machine config</Label>
        <Description>The node's machine config, base64-encoded</Description>
      </Property>
      <Property ovf:key="hostname" ovf:type="string" ovf:userConfigurable="true" ovf:value="">
        <Label>Host name</Label>
        <Description>The node's host name, when its config names none</Description>
      </Property>
    </ProductSection>
  </VirtualSystem>
</Envelope>
)";
}

void convert_disk(const fs::path& raw, const std::string& format, const fs::path& out, const std::string& name,
                  int64_t epoch) {
  format_extension(format);  // refuses an unknown format
  if (format == "raw") {
    fs::copy_file(raw, out, fs::copy_options::overwrite_existing);
  } else if (format == "qcow2") {
    run_checked({"qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.string(), out.string()});
  } else if (format == "vhd") {
    uint64_t size = fs::file_size(raw);
    if (size % (1024 * 1024) != 0) throw Error("a VHD for Azure needs a whole number of MiB; the disk is " + std::to_string(size) + " B");
    run_checked({"qemu-img", "convert", "-f", "raw", "-O", "vpc", "-o", "subformat=fixed,force_size=on", raw.string(), out.string()});
  } else if (format == "vmdk") {
    run_checked({"qemu-img", "convert", "-f", "raw", "-O", "vmdk", "-o", "subformat=streamOptimized", raw.string(), out.string()});
  } else if (format == "ova") {
    TempDir work("bronze-ova");
    std::string disk_file = name + "-disk1.vmdk";
    fs::path vmdk = work.path() / disk_file;
    run_checked({"qemu-img", "convert", "-f", "raw", "-O", "vmdk", "-o", "subformat=streamOptimized", raw.string(), vmdk.string()});
    fs::path ovf = work.path() / (name + ".ovf");
    write_file(ovf, ovf_descriptor(name, disk_file, fs::file_size(vmdk), fs::file_size(raw)));
    write_tar(out, {{name + ".ovf", ovf}, {disk_file, vmdk}}, false, epoch);
  } else if (format == "tar.gz") {
    write_tar(out, {{"disk.raw", raw}}, true, epoch);
  } else if (format == "raw.gz") {
    // A disk is mostly zeros: the fastest level loses almost nothing.
    compress_file(raw, out, "gz", 1);
  }
}

}  // namespace bronze::imager
