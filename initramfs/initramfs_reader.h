// Reads a file out of an initramfs (a newc cpio, zstd-compressed as the
// imager writes it, or not compressed) with libarchive: rootfs.sqfs travels
// inside it and is verified there.
#pragma once

#include <string>

namespace bronze::initramfs {

std::string read_from_initramfs(const std::string& initramfs_bytes, const std::string& name);

}  // namespace bronze::initramfs
