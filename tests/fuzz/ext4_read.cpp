// Fuzzes the reading of files out of an ext4 filesystem through libext2fs:
// the STATE partition's machine config and a boot slot's manifest,
// signature and slot.env are read this way from a disk that may be damaged
// (or written by someone else). Input: the filesystem image, written to a
// file because libext2fs opens a path. Only bronze::Error may refuse, and
// no file read can be larger than the image that holds it.
//
// libext2fs itself is not built with the sanitizers; a fault the fuzzer
// finds inside it shows as a crash or a timeout with its frames on top.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "base/error.h"
#include "base/files.h"
#include "disk/filesystems/ext4.h"
#include "tests/fuzz/require.h"

namespace {

using bronze::fuzz::require;

const bronze::TempDir& work() {
  static const bronze::TempDir dir("bronze-fuzz-ext4");
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::filesystem::path image = work().path() / "fs.img";
  bronze::write_file(image, std::string_view(reinterpret_cast<const char*>(data), size));
  try {
    auto config = bronze::disk::read_from_ext4_if_present(image, 0, "/config.yaml");
    require(!config || config->size() <= size);
  } catch (const bronze::Error&) {
  }
  // A path through a folder too: namei walks directories (and links).
  for (const char* path : {"/manifest.json", "/slot.env", "/etc/machine/config.yaml"}) {
    try {
      require(bronze::disk::read_from_ext4(image, 0, path).size() <= size);
    } catch (const bronze::Error&) {
    }
  }
  return 0;
}
