#include "imager/profile/outputs.h"

#include <algorithm>

#include "base/error.h"

namespace bronze::imager {
namespace fs = std::filesystem;

namespace {

std::string listed(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  return list;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Why compressing this output makes no sense; empty when it does.
std::string why_not_compressed(const std::string& output, const std::string& format) {
  if (output == "installer") {
    return "the installer image is an OCI archive, which skopeo, bronzectl and the installer read as a plain tar";
  }
  if (output == "kernel") return "a kernel image (bzImage) compresses itself";
  if (output == "initramfs") return "the initramfs holds the root filesystem, a SquashFS compressed already";
  if (output == "image") {
    if (format == "tar.gz" || format == "raw.gz") return "format " + format + " is gzipped already";
    if (format == "vmdk" || format == "ova") return "format " + format + " holds a streamOptimized VMDK, compressed already";
  }
  return "";
}

}  // namespace

const std::vector<std::string>& known_outputs() {
  static const std::vector<std::string> outputs = {"image", "iso", "kernel", "initramfs", "installer"};
  return outputs;
}

const std::vector<std::string>& known_compressions() {
  static const std::vector<std::string> compressions = {"zstd", "xz", "gz"};
  return compressions;
}

std::string compression_extension(const std::string& compression) {
  if (compression == "zstd") return "zst";
  if (compression == "xz" || compression == "gz") return compression;
  throw Error("unknown compression '" + compression + "' (known: " + listed(known_compressions()) + ")");
}

fs::path compressed_path(const fs::path& path, const std::string& compression) {
  if (compression.empty()) return path;
  return path.string() + "." + compression_extension(compression);
}

void check_output_options(const BuildRequest& r, const std::string& format) {
  if (!contains(known_outputs(), r.output)) {
    throw Error("unknown output '" + r.output + "' (known: " + listed(known_outputs()) + ")");
  }
  if (!r.compress.empty()) {
    compression_extension(r.compress);  // refuses an unknown one
    std::string why = why_not_compressed(r.output, format);
    if (!why.empty()) throw Error("--compress " + r.compress + " makes no sense with --output " + r.output + ": " + why);
  }
  if (r.output == "image") return;
  if (!r.format.empty()) {
    throw Error("--format " + r.format + " makes no sense with --output " + r.output +
                ": it chooses the disk image's format (--output image)");
  }
  if (r.disk_size) {
    throw Error("--disk-size makes no sense with --output " + r.output + ": only a disk image (--output image) has one");
  }
  if (r.machine_config) {
    throw Error("--config makes no sense with --output " + r.output +
                ": only a disk image has a STATE partition to carry it; a node booted otherwise starts in "
                "maintenance mode");
  }
}

}  // namespace bronze::imager
