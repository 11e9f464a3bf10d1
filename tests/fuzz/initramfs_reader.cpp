// Fuzzes the initramfs reader: verify_slot takes rootfs.sqfs out of the
// initramfs of a slot on disk, through libarchive's cpio reader and its
// decompressors. Input: the initramfs. Only bronze::Error may refuse.

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/error.h"
#include "initramfs/initramfs_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  for (const char* name : {"rootfs.sqfs", "install/disk.raw.zst"}) {
    try {
      bronze::initramfs::read_from_initramfs(bytes, name);
    } catch (const bronze::Error&) {
    }
  }
  return 0;
}
