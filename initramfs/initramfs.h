// The initramfs: a newc cpio written with libarchive holding init and
// rootfs.sqfs (and /dev/console, so init has a console before devtmpfs),
// not compressed (rootfs.sqfs is; see make_initramfs). Entries are sorted,
// owned by root and dated SOURCE_DATE_EPOCH, so that it is reproducible.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace bronze::initramfs {

void make_initramfs(const std::filesystem::path& init, const std::filesystem::path& rootfs_sqfs,
                    const std::filesystem::path& out, int64_t epoch);

// The live ISO's second initramfs, loaded after the first: an uncompressed
// newc cpio holding install/disk.raw.zst, the installation template (see
// disk/install/template_install.h). It is compressed already, and init moves it
// to /run/install for machined.
void make_install_initramfs(const std::filesystem::path& template_zst, const std::filesystem::path& out, int64_t epoch);

}  // namespace bronze::initramfs
