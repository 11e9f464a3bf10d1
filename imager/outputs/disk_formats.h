// Disk image formats the clouds take, made from the raw image with the tools
// their users have (qemu-img) and libarchive for the archives:
//   raw      the disk as is (metal, hcloud, equinix, aws)
//   qcow2    OpenStack and QEMU
//   vhd      Azure: a fixed VHD whose size is a whole number of MiB
//   vmdk     AWS import: a streamOptimized VMDK
//   ova      VMware: an OVF descriptor and a streamOptimized VMDK in a tar
//   tar.gz   GCP: disk.raw in a gzipped GNU tar
//   raw.gz   DigitalOcean: the raw disk, gzipped
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace bronze::imager {

const std::vector<std::string>& known_disk_formats();

// The file name extension of a format ("qcow2", "vhd", "tar.gz", ...).
std::string format_extension(const std::string& format);

// Writes `raw` in `format` to `out`. `name` names the disk inside archives.
void convert_disk(const std::filesystem::path& raw, const std::string& format, const std::filesystem::path& out,
                  const std::string& name, int64_t epoch);

// The OVF descriptor of a one-disk VM (for ova).
std::string ovf_descriptor(const std::string& name, const std::string& disk_file, uint64_t disk_file_size,
                           uint64_t capacity_bytes);

}  // namespace bronze::imager
