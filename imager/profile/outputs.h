// What `imager PLATFORM --output KIND [--compress ALGO]` writes, and which
// combinations of options make sense:
//   image      the disk image in the platform's format (the default)
//   iso        a hybrid ISO booting through BIOS and UEFI, from CD or USB
//   kernel     the kernel the image boots, after the KSPP audit
//   initramfs  the initramfs the image boots (init and the SquashFS root)
//   installer  the OCI installer image, as `imager installer` makes it
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "imager/profile/build_request.h"

namespace bronze::imager {

const std::vector<std::string>& known_outputs();
const std::vector<std::string>& known_compressions();  // zstd, xz, gz

// The file name extension a compression adds ("zst", "xz", "gz").
std::string compression_extension(const std::string& compression);

// `path` with the compression's extension added; `path` itself when
// `compression` is empty.
std::filesystem::path compressed_path(const std::filesystem::path& path, const std::string& compression);

// Throws an Error naming the option that makes no sense for the request's
// output (`format`: the disk format the image output would have).
void check_output_options(const BuildRequest& request, const std::string& format);

}  // namespace bronze::imager
