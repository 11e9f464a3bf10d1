// Reads a file out of an initramfs (a newc cpio, not compressed as the
// imager writes it, or zstd-compressed as older images have it) with libarchive: rootfs.sqfs travels
// inside it and is verified there.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace bronze::initramfs {

std::string read_from_initramfs(const std::string& initramfs_bytes, const std::string& name);

// The same, streamed: the initramfs's bytes come from `source` (up to n
// bytes into the buffer, 0 at the end) and the file's go to `sink`, a piece
// at a time, so that memory does not grow with either.
void stream_from_initramfs(const std::function<size_t(char* buffer, size_t n)>& source, const std::string& name,
                           const std::function<void(std::string_view)>& sink);

}  // namespace bronze::initramfs
